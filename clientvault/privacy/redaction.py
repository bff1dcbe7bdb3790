"""Secrets taken out of a text before it is stored or logged (issue 11, PCI DSS 3.3).

:func:`redact` replaces each secret in a message with a marker such as
``[card number removed]`` and says what it removed (:class:`Redaction`), so the sender can be
told why (:meth:`Redaction.explanation`). Tickets, forum posts and the logs (through
:class:`clientvault.privacy.logfilter.RedactingFilter`) pass through it; the original text is
never stored or logged by this module.

What is redacted (the rules are a table,
:data:`clientvault.privacy.secret_rules.RULES`, each a compiled pattern and a check):

- **card numbers**: 13 to 19 digits, typed as one run or in groups split by one space, dash
  or dot (the same separator throughout), that pass the Luhn check (python-stdnum) and start
  with the issuer prefix of a card network issuing that length (Visa, Mastercard, American
  Express, Discover, JCB, Diners Club, UnionPay, Maestro, Mir, RuPay...). A run glued to a
  letter, to ``+`` (a telephone number) or to a word by a dash or dot (``INV-...``) is not one;
- **card security codes**: 3 or 4 digits right after a card number (an expiry date may stand
  between them), or after a cue such as ``CVC``, ``CVV``, ``security code``, ``Prüfnummer``;
- **IBANs** that python-stdnum finds valid (check digits and the country's format), with or
  without spaces;
- **passwords**: the value after a cue such as ``password:``, ``pwd=``, ``Passwort:``,
  ``mot de passe :``, ``contraseña:`` (a dozen languages), up to the next space or line end,
  or the quoted value; after ``password is`` only a value with a digit or a symbol in it (so
  ``my password is not working`` keeps its words);
- **API keys** of well-known shapes: AWS access key ids, Stripe secret and restricted keys,
  GitHub, GitLab, Slack, Google, OpenAI/Anthropic, SendGrid, npm, PyPI, Shopify, Mailgun,
  JSON web tokens, ``Bearer`` tokens, and a value of 16 characters or more with letters and
  digits after ``api_key=``, ``token:``, ``client_secret=``...;
- **private keys**: ``-----BEGIN ... PRIVATE KEY-----`` blocks (PKCS#8, RSA, EC, DSA,
  OpenSSH, encrypted, PGP), up to their end line or, cut short, their last base64 line.

Not redacted: order and invoice numbers, telephone numbers, tracking codes, dates, IP
addresses, version numbers, UUIDs, domain names, numbers that fail the Luhn check, and prose
about passwords without a value. One Hyperscan pass over the text
(:mod:`clientvault.privacy.secret_gate`) tells which rules its cue words, token prefixes and
runs of digits can set off; only those run, so a message without anything secret-like costs
that one scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from clientvault.privacy.secret_gate import rules_for


class SecretKind(models.TextChoices):
    CARD = "card", "card number"
    CVC = "cvc", "card security code"
    IBAN = "iban", "IBAN"
    PASSWORD = "password", "password"
    API_KEY = "api_key", "API key"
    PRIVATE_KEY = "private_key", "private key"


MARKERS: dict[SecretKind, str] = {kind: f"[{kind.label} removed]" for kind in SecretKind}
_PLURALS = {kind: f"{kind.label}s" for kind in SecretKind}
# When two rules claim the same span, the more specific kind wins.
_SPECIFIC_FIRST = ("private_key", "card", "iban", "api_key", "cvc", "password")
_PRIORITY = {SecretKind(kind): rank for rank, kind in enumerate(_SPECIFIC_FIRST)}


@dataclass(frozen=True)
class Finding:
    """A secret's kind and its span in the original text."""

    kind: SecretKind
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    """A text with its secrets replaced by markers, and what was found where."""

    text: str
    findings: tuple[Finding, ...]

    @property
    def changed(self) -> bool:
        return bool(self.findings)

    def counts(self) -> dict[SecretKind, int]:
        found = [finding.kind for finding in self.findings]
        return {kind: found.count(kind) for kind in SecretKind if kind in found}

    def explanation(self) -> str:
        """One or two sentences for the sender: what was removed and why (never the secret)."""
        counts = self.counts()
        if not counts:
            return ""
        removed = _listed([_counted(kind, count) for kind, count in counts.items()])
        kinds = _listed([_PLURALS[kind] for kind in counts], "or")
        return (
            f"We removed {removed} from your message before storing it. Never send {kinds} "
            "in a message: we never ask for them, and anyone who reads the message could use them."
        )


def _counted(kind: SecretKind, count: int) -> str:
    return f"{count} {kind.label if count == 1 else _PLURALS[kind]}"


def _listed(items: list[str], conjunction: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def find_secrets(text: str) -> tuple[Finding, ...]:
    """Every secret in ``text``, in order, no two overlapping (the longer, then the more
    specific kind, wins)."""
    triggered = rules_for(text)
    if not triggered:  # the common case: nothing secret-like at all
        return ()
    found = [
        Finding(SecretKind(kind), start, end)
        for rule, starts in triggered
        for kind, start, end in rule.find(text, starts)
    ]
    if not found:
        return ()
    found.sort(key=lambda f: (f.start, f.start - f.end, _PRIORITY[f.kind]))
    kept: list[Finding] = []
    for finding in found:
        if not kept or finding.start >= kept[-1].end:
            kept.append(finding)
    return tuple(kept)


def redact(text: str) -> Redaction:
    """``text`` with every secret replaced by its kind's marker (see the module's docstring).

    What a marker leaves standing apart is looked at again, as a second redaction of the
    result would (a card number typed after an IBAN, in one run of digits with it, stands
    alone once the IBAN is a marker): the result holds nothing a redaction would remove."""
    findings = find_secrets(text)
    if not findings:
        return Redaction(text, ())
    for _ in range(_MORE_PASSES if _digits_beside(text, findings) else 0):
        more = _in_original(find_secrets(_replaced(text, findings)), findings)
        if not more:
            break
        findings = tuple(sorted(findings + more, key=lambda finding: finding.start))
    return Redaction(_replaced(text, findings), findings)


_MORE_PASSES = 3


def _digits_beside(text: str, findings: tuple[Finding, ...]) -> bool:
    """Whether a digit stands right beside a secret found (one character between at most): only
    then can its marker leave a number standing apart that was part of a longer run."""
    return any(
        any(
            char.isdigit() for char in text[max(0, f.start - 2) : f.start] + text[f.end : f.end + 2]
        )
        for f in findings
    )


def _replaced(text: str, findings: tuple[Finding, ...]) -> str:
    parts, position = [], 0
    for finding in findings:
        parts += [text[position : finding.start], MARKERS[finding.kind]]
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def _in_original(later: tuple[Finding, ...], earlier: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Secrets found in the text redacted of ``earlier`` (in order), placed in the original
    text; any that overlaps a marker is left out."""
    markers, shift = [], 0  # (start, end) of each marker in the redacted text, shift after it
    for finding in earlier:
        start = finding.start - shift
        shift += finding.end - finding.start - len(MARKERS[finding.kind])
        markers.append((start, start + len(MARKERS[finding.kind]), shift))
    placed = []
    for finding in later:
        if any(finding.start < end and start < finding.end for start, end, _ in markers):
            continue
        moved = next((a for _, end, a in reversed(markers) if end <= finding.start), 0)
        placed.append(Finding(finding.kind, finding.start + moved, finding.end + moved))
    return tuple(placed)
