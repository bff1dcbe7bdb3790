"""Placeholder of the kernel's secret redactor (card numbers only), replaced by the full one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models
from stdnum import luhn


class SecretKind(models.TextChoices):
    CARD = "card", "card number"
    CVC = "cvc", "card security code"
    IBAN = "iban", "IBAN"
    PASSWORD = "password", "password"
    API_KEY = "api_key", "API key"
    PRIVATE_KEY = "private_key", "private key"


MARKERS = {kind: f"[{kind.label} removed]" for kind in SecretKind}
_CARD = re.compile(r"(?<![\w+])\d(?:[ -]?\d){12,18}(?!\w)")


@dataclass(frozen=True)
class Finding:
    kind: SecretKind
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    text: str
    findings: tuple[Finding, ...]

    @property
    def changed(self) -> bool:
        return bool(self.findings)

    def counts(self) -> dict[SecretKind, int]:
        counts: dict[SecretKind, int] = {}
        for finding in self.findings:
            counts[finding.kind] = counts.get(finding.kind, 0) + 1
        return counts

    def explanation(self) -> str:
        if not self.findings:
            return ""
        return "We removed a card number from your message before storing it."


def redact(text: str) -> Redaction:
    found = [
        Finding(SecretKind.CARD, m.start(), m.end())
        for m in _CARD.finditer(text)
        if luhn.is_valid(re.sub(r"\D", "", m.group()))
    ]
    out, last = [], 0
    for f in found:
        out += [text[last : f.start], MARKERS[f.kind]]
        last = f.end
    return Redaction("".join(out) + text[last:], tuple(found))
