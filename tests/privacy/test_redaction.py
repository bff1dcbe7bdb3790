"""The secret redactor (clientvault.privacy.redaction): each kind, markers, the explanation."""

from __future__ import annotations

from clientvault.privacy.redaction import MARKERS, Finding, SecretKind, redact


def test_it_replaces_a_card_number_and_its_security_code_with_markers():
    result = redact("card 4242 4242 4242 4242 exp 12/34 cvc 123, thanks")
    assert result.text == (
        f"card {MARKERS[SecretKind.CARD]} exp 12/34 cvc {MARKERS[SecretKind.CVC]}, thanks"
    )
    assert result.findings == (
        Finding(SecretKind.CARD, 5, 24),
        Finding(SecretKind.CVC, 39, 42),
    )
    assert result.changed


def test_it_leaves_prose_without_secrets_alone():
    text = "I forgot my password. Order INV-2026-000123, call +44 20 7946 0000."
    result = redact(text)
    assert result.text == text
    assert not result.changed
    assert result.explanation() == ""
    assert result.counts() == {}


def test_it_explains_what_it_removed_without_naming_the_secret():
    result = redact("4242424242424242 and password: hunter2")
    assert result.counts() == {SecretKind.CARD: 1, SecretKind.PASSWORD: 1}
    explanation = result.explanation()
    assert explanation.startswith("We removed 1 card number and 1 password from your message")
    assert "4242" not in explanation
    assert "hunter2" not in explanation
