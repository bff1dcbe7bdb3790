"""The secret redactor (clientvault.privacy.redaction): accuracy on the labelled set
(tests/privacy/redaction_set.py), each kind of secret, the markers, the explanation, and
properties over generated texts."""

from __future__ import annotations

import random
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum import luhn

from clientvault.privacy.redaction import MARKERS, Finding, SecretKind, redact
from clientvault.privacy.secret_cards import issued
from clientvault.privacy.secret_rules import RULES, is_iban
from tests.privacy.redaction_scoring import score
from tests.privacy.redaction_set import CASES, IBANS, PANS, api_keys, grouped, pem

K = SecretKind


def found(text: str) -> list[tuple[str, int, int]]:
    return [(finding.kind, finding.start, finding.end) for finding in redact(text).findings]


# Accuracy on the labelled set -------------------------------------------------------------------


def test_the_labelled_set_is_large_and_covers_every_kind():
    assert len(CASES) >= 300
    labelled = {kind for case in CASES for kind, _ in case.secrets}
    assert labelled == set(SecretKind)
    assert sum(1 for case in CASES if not case.secrets) >= 100  # near-misses


def test_it_finds_the_labelled_secrets_with_recall_and_precision_floors():
    result = score(found)
    assert result.recall() >= 0.99, result.missed
    assert result.precision() >= 0.99, result.wrong


@pytest.mark.parametrize("kind", list(SecretKind))
def test_each_kind_has_its_own_floors(kind):
    result = score(found, kinds=[kind])
    assert result.recall(kind) >= 0.97, result.missed
    assert result.precision(kind) >= 0.97, result.wrong


def test_no_near_miss_is_redacted():
    for case in CASES:
        if not case.secrets:
            assert not redact(case.text).changed, case.text


# Each kind --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("brand", "pan"), PANS)
@pytest.mark.parametrize("separator", ["", " ", "-", "."])
def test_it_finds_every_test_card_with_any_separator(brand, pan, separator):
    card = grouped(pan, separator)
    result = redact(f"my card: {card}.")
    assert result.text == f"my card: {MARKERS[K.CARD]}."


def test_it_replaces_a_card_number_and_its_security_code_with_markers():
    result = redact("card 4242 4242 4242 4242 exp 12/34 cvc 123, thanks")
    assert result.text == f"card {MARKERS[K.CARD]} exp 12/34 cvc {MARKERS[K.CVC]}, thanks"
    assert result.findings == (Finding(K.CARD, 5, 24), Finding(K.CVC, 39, 42))
    assert result.changed


@pytest.mark.parametrize(
    "text",
    [
        "4242424242424241",  # fails the Luhn check
        "1234567812345670",  # passes it, but no card network issues numbers starting with 1
        "4242424242424242424242",  # too long to be one
        "INV-4242424242424242",  # an identifier
        "+4242424242424242",  # a telephone number
        "order4242424242424242",
        "42 42 42 42 42 42 42 42",  # not grouped as cards are
        "4242424242424",  # a Visa-prefixed 13-digit number failing the Luhn check
    ],
)
def test_it_leaves_numbers_that_are_not_cards(text):
    assert not redact(text).changed


def test_a_card_in_a_run_of_digits_is_found_where_it_stands_apart():
    iban_then_card = "DE89 3704 0044 0532 0130 00 4242 4242 4242 4242"
    assert redact(iban_then_card).text == f"{MARKERS[K.IBAN]} {MARKERS[K.CARD]}"
    two_cards = "4242 4242 4242 4242 123 5555 5555 5555 4444"
    assert redact(two_cards).counts() == {K.CARD: 2}
    assert not redact("6205 5000 0000 0000 005").changed  # 5000 0000 0000 005 passes Luhn


def test_a_security_code_needs_a_card_or_a_cue():
    assert found("CVV2: 1234") == [(K.CVC, 6, 10)]
    assert found("room 123, floor 4") == []
    assert found("4242424242424242 123") == [(K.CARD, 0, 16), (K.CVC, 17, 20)]
    assert found("4242424242424242 in 123 days") == [(K.CARD, 0, 16)]


def test_it_finds_ibans_with_and_without_spaces_and_lowercase():
    for text in ["DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "de89370400440532013000"]:
        assert redact(f"IBAN {text}, thanks").text == f"IBAN {MARKERS[K.IBAN]}, thanks"
    assert not redact("IBAN DE89 3704 0044 0532 0130 01").changed  # wrong check digits


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("password: hunter22", "hunter22"),
        ("Password : sunshine", "sunshine"),
        ("pwd=Tr0ub4dor&3", "Tr0ub4dor&3"),
        ("Passwort: geheim123", "geheim123"),
        ("mot de passe : azerty123", "azerty123"),
        ("contraseña: Clave#2026", "Clave#2026"),
        ("my password is Sommer2024!", "Sommer2024!"),
        ('"password": "two words 9"', "two words 9"),
        ("ftp://bob:s3cret@ftp.example.com", "s3cret"),
        ("DB_PASSWORD=x9y8z7", "x9y8z7"),
    ],
)
def test_it_finds_a_password_after_a_cue(text, value):
    start = text.index(value)
    assert found(text) == [(K.PASSWORD, start, start + len(value))]


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my password.",
        "my password is not working",
        "Password: reset not working",
        "password: ********",
        "password: <your password>",
        "Reset your password: https://example.com/reset",
        "Passwort vergessen",
        "passport: 123456789",
    ],
)
def test_prose_about_passwords_keeps_its_words(text):
    assert not redact(text).changed


@pytest.mark.parametrize(("provider", "key"), api_keys())
def test_it_finds_api_keys_of_known_shapes(provider, key):
    assert redact(f"key {key} here").text == f"key {MARKERS[K.API_KEY]} here"


def test_it_finds_private_key_blocks_even_cut_short():
    block = pem("OPENSSH PRIVATE KEY")
    assert redact(f"key:\n{block}\nbye").text == f"key:\n{MARKERS[K.PRIVATE_KEY]}\nbye"
    cut = pem("RSA PRIVATE KEY", lines=2, ending=False)
    assert redact(f"{cut}\n\nthanks, Sam").text == f"{MARKERS[K.PRIVATE_KEY]}\n\nthanks, Sam"
    assert not redact("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n").changed


# Markers and the explanation --------------------------------------------------------------------


def test_every_kind_has_a_readable_label_and_marker():
    assert MARKERS == {
        K.CARD: "[card number removed]",
        K.CVC: "[card security code removed]",
        K.IBAN: "[IBAN removed]",
        K.PASSWORD: "[password removed]",
        K.API_KEY: "[API key removed]",
        K.PRIVATE_KEY: "[private key removed]",
    }


def test_it_leaves_prose_without_secrets_alone():
    text = "I forgot my password. Order INV-2026-000123, call +44 20 7946 0000."
    result = redact(text)
    assert (result.text, result.findings, result.changed) == (text, (), False)
    assert result.explanation() == ""
    assert result.counts() == {}


def test_it_explains_what_it_removed_without_naming_the_secret():
    result = redact("4242424242424242 and password: hunter2")
    assert result.counts() == {K.CARD: 1, K.PASSWORD: 1}
    assert result.explanation() == (
        "We removed 1 card number and 1 password from your message before storing it. Never "
        "send card numbers or passwords in a message: we never ask for them, and anyone who "
        "reads the message could use them."
    )


def test_the_explanation_counts_in_plural_and_lists_kinds_in_order():
    result = redact("IBAN DE89370400440532013000, cards 4242424242424242 and 5555555555554444")
    assert result.counts() == {K.CARD: 2, K.IBAN: 1}
    assert result.explanation().startswith("We removed 2 card numbers and 1 IBAN from your")
    assert "Never send card numbers or IBANs in a message" in result.explanation()


# Bad input --------------------------------------------------------------------------------------


def test_an_empty_text_is_returned_as_it_is():
    assert redact("") == redact("")
    assert redact("").text == ""
    assert not redact("").changed


def test_a_huge_text_is_redacted_quickly():
    prose = "Our order INV-2026-000123 shipped on 2026-05-17; call +44 20 7946 0000. " * 20_000
    text = prose + "card 4242 4242 4242 4242. " + prose
    started = time.perf_counter()
    result = redact(text)
    assert time.perf_counter() - started < 5
    assert result.counts() == {K.CARD: 1}
    assert len(result.text) == len(text) - len("4242 4242 4242 4242") + len(MARKERS[K.CARD])


def test_every_rule_has_a_trigger():
    for rule in RULES:
        assert rule.triggers, rule.name


# Properties -------------------------------------------------------------------------------------

FRAGMENTS = [
    "4242 4242 4242 4242",
    "378282246310005",
    "5555-5555-5555-4444",
    "DE89 3704 0044 0532 0130 00",
    "password",
    "Passwort",
    "pwd",
    "is",
    ":",
    "=",
    " ",
    "\n",
    "-",
    ".",
    "/",
    '"',
    "cvc",
    "123",
    "12/34",
    "hunter2",
    "api_key",
    "token",
    "Bearer",
    "sk_live_",
    "AKIA",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----",
    "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY",
    "ftp://bob:",
    "@host",
    *MARKERS.values(),
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=14).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_redacting_twice_changes_nothing_more(text):
    once = redact(text)
    assert not redact(once.text).changed, once.text


@settings(max_examples=200, deadline=None)
@given(texts)
def test_findings_are_ordered_and_apart_and_markers_fill_their_spans(text):
    result = redact(text)
    ends = [0]
    for finding in result.findings:
        assert ends[-1] <= finding.start < finding.end <= len(text)
        ends.append(finding.end)
    removed = sum(finding.end - finding.start for finding in result.findings)
    added = sum(len(MARKERS[finding.kind]) for finding in result.findings)
    assert len(result.text) == len(text) - removed + added


PREFIXES = ["4", "51", "55", "2221", "2720", "34", "37", "36", "3528", "6011", "65", "62", "50"]


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(PREFIXES))
    lengths = [n for n in range(13, 20) if issued(prefix + "0" * (n - len(prefix)))]
    length = draw(st.sampled_from(lengths))
    body = prefix + draw(
        st.text("0123456789", min_size=length - 1 - len(prefix), max_size=length - 1 - len(prefix))
    )
    return body + luhn.calc_check_digit(body)


words = st.text(st.sampled_from("abcdefghij XYZ,.!?:;()'\n-/0123456789"), max_size=30)


@settings(max_examples=400, deadline=None)
@given(
    words,
    card_numbers(),
    st.sampled_from(["", " ", "-", "."]),
    st.sampled_from([" ", ". ", ", ", "\n", "!", ""]),
    words,
)
def test_no_card_number_standing_in_prose_survives(before, number, separator, joint, after):
    text = f"{before} card {grouped(number, separator)}{joint}{after if joint else ''}"
    digits = re.sub(r"\D", "", redact(text).text)
    assert number not in digits, text


def test_the_iban_check_agrees_with_python_stdnum():
    rng = random.Random(97)
    candidates = [*IBANS, "BE68539007547034", "de89 3704 0044 0532 0130 00"]
    for number in list(candidates):
        for _ in range(40):
            place = rng.randrange(2, len(number))
            candidates.append(number[:place] + rng.choice("0123456789AZ") + number[place + 1 :])
    assert sum(map(stdnum_iban.is_valid, candidates)) > len(IBANS)
    for candidate in candidates:
        assert is_iban(candidate) == stdnum_iban.is_valid(candidate), candidate


@pytest.mark.parametrize(
    "piece",
    [
        "eyJ",
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "PuTTY-User-Key-File-2: ",
        "password: ",
        "4242 ",
        "sk-",
        "DE89",
        "token: ",
        "Bearer ",
    ],
)
def test_a_text_repeating_a_cue_costs_no_more_than_its_length(piece):
    text = piece * (50_000 // len(piece))
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 3
