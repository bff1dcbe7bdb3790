"""What every text a person writes here goes through before it is stored: a size check and the
kernel's redactor (secrets replaced by a marker; the original is never stored or logged)."""

from __future__ import annotations

from clientvault.privacy.cards import find_card_number
from clientvault.privacy.redaction import Redaction, redact
from clientvault.support.errors import refuse

MAX_TITLE = 150
MAX_MESSAGE = 20_000  # characters: a long log excerpt fits; a whole log file is an attachment


def clean_text(text: str, *, field: str, limit: int, label: str) -> Redaction:
    """``text`` stripped and redacted; a refusal naming ``field`` when empty or too long."""
    stripped = (text or "").strip()
    if not stripped:
        raise refuse(field, f"The {label} is empty: write something first.", "required")
    if len(stripped) > limit:
        raise refuse(
            field,
            f"The {label} is too long: {len(stripped):,} characters, at most {limit:,}. Send "
            "long logs as an attachment.",
            "too_long",
        )
    return checked(redact(stripped), field=field, limit=limit, label=label)


def checked(redaction: Redaction, *, field: str, limit: int, label: str) -> Redaction:
    """A redacted text that still fits, and in which the card check everywhere else on the
    site (``privacy.cards``) finds nothing left: what the redactor did not take out (digits
    split by mixed separators, say) is refused rather than stored."""
    if find_card_number(redaction.text):
        raise refuse(
            field,
            f"The {label} holds what looks like a payment card number written in a way we "
            "could not take out; remove it and send again. Nothing was saved.",
            "card_number",
        )
    if len(redaction.text) > limit:
        raise refuse(
            field,
            f"The {label} is too long once its secrets are replaced by markers: at most "
            f"{limit:,} characters.",
            "too_long",
        )
    return redaction


def counts_of(*redactions: Redaction) -> dict[str, int]:
    """What the redactor removed, by kind, over several texts: kept beside the text."""
    total: dict[str, int] = {}
    for redaction in redactions:
        for kind, count in redaction.counts().items():
            total[str(kind)] = total.get(str(kind), 0) + count
    return total


class Redacted:
    """What an author is told after posting: ``redactions`` of what they sent (a mixin of the
    services' results, which name what was stored)."""

    redactions: tuple[Redaction, ...]

    @property
    def removed(self) -> dict[str, int]:
        return counts_of(*self.redactions)

    @property
    def explanation(self) -> str:
        return " ".join(r.explanation() for r in self.redactions if r.changed)
