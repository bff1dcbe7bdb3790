"""The redactor's one-pass gate (clientvault.privacy.secret_gate): trying each rule only where
one of its triggers starts finds exactly what running every rule over the whole text finds."""

from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from clientvault.privacy.redaction import redact
from clientvault.privacy.secret_gate import rules_for
from clientvault.privacy.secret_rules import RULES
from tests.privacy.redaction_set import CASES
from tests.privacy.test_redaction import FRAGMENTS


def written_with(digits: str, zero: int) -> str:
    """``digits`` in another script's digits (zero: the code point of its 0)."""
    return "".join(chr(zero + int(digit)) for digit in digits)


FULL_WIDTH, ARABIC_INDIC = 0xFF10, 0x0660


def gated(text: str) -> set[tuple[str, int, int]]:
    return {found for rule, starts in rules_for(text) for found in rule.find(text, starts)}


def everywhere(text: str) -> set[tuple[str, int, int]]:
    return {found for rule in RULES for found in rule.find(text)}


def test_the_gate_misses_nothing_on_the_labelled_set():
    for case in CASES:
        assert gated(case.text) == everywhere(case.text), case.text


# Letters with case folds outside ASCII (the Kelvin sign folds to k) are left out: the triggers
# know the cue words' own letters in both cases, not every character that folds to them.
alphabet = st.characters(
    codec="utf-8", exclude_characters="\u212a\u017f\u0130\u0131", exclude_categories=["Cs"]
)
texts = st.lists(
    st.one_of(
        st.sampled_from(
            [
                *FRAGMENTS,
                "ÄÖÜ ",
                "пароль: ",
                written_with("4242", ARABIC_INDIC),
                written_with("4242", FULL_WIDTH) + " ",
                "Passwort: ",
                " é",
            ]
        ),
        st.text(alphabet, max_size=6),
    ),
    max_size=16,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_the_gate_finds_what_a_scan_of_every_rule_finds(text):
    assert gated(text) == everywhere(text)


def test_a_card_in_other_digits_is_found():
    assert redact("card " + written_with("4242" * 4, FULL_WIDTH)).counts() == {"card": 1}
    assert redact("card " + written_with("4242" * 4, ARABIC_INDIC)).changed


def test_threads_redact_at_the_same_time():
    text = "card 4242 4242 4242 4242, password: hunter22, IBAN DE89370400440532013000"
    results: list[str] = []

    def work() -> None:
        results.extend(redact(text).text for _ in range(300))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results) == {redact(text).text}
    assert len(results) == 1200
