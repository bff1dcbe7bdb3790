"""The profile's optional [billing] section: defaults, and bad values named by line and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clientvault.privacy.billing_rules import BillingRules
from clientvault.privacy.profile import PRESETS_DIR, ProfileError, parse_profile

PRESET = PRESETS_DIR / "need-to-know.toml"


def without_billing() -> str:
    """The preset with its own [billing] section cut off (it is the file's last section)."""
    text = PRESET.read_text()
    return text[: text.index("\n[billing]")] + "\n"


def parsed(extra: str) -> BillingRules:
    return parse_profile(Path("policy.toml"), without_billing() + extra).billing


def test_without_the_section_every_rule_has_its_default_and_the_storage_country():
    rules = parsed("")
    assert rules == BillingRules(country="US")
    assert (rules.currency, rules.invoice_prefix, rules.credit_note_prefix) == (
        "EUR",
        "INV-",
        "CN-",
    )
    assert (rules.payment_terms_days, rules.reminder_days, rules.suspend_after_days) == (
        14,
        (3, 7, 14),
        21,
    )


def test_it_reads_each_rule_and_normalises_the_vat_number():
    rules = parsed(
        '\n[billing]\ncountry = "DE"\nvat_number = "de 136.695.976"\ncurrency = "GBP"\n'
        'invoice_prefix = "R-"\ncredit_note_prefix = "G-"\npayment_terms_days = 0\n'
        "reminder_days = [1, 5]\nsuspend_after_days = 6\n"
    )
    assert rules == BillingRules("DE", "DE136695976", "GBP", "R-", "G-", 0, (1, 5), 6)


def test_every_preset_names_the_operators_billing_details():
    for path in sorted(PRESETS_DIR.glob("*.toml")):
        billing = parse_profile(path, path.read_text()).billing
        assert billing.country, path.name
        assert billing.vat_number, path.name


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('country = "XX"', "billing.country: must be a two-letter ISO 3166 country code"),
        ('country = "de"', "billing.country: must be a two-letter ISO 3166 country code"),
        ('currency = "CHF"', "billing.currency: must be one of EUR, USD, GBP"),
        ('vat_number = "DE136695977"', "billing.vat_number: is not a valid VAT number"),
        ('vat_number = "FR40303265045"', "billing.vat_number: is registered in FR, not in the"),
        ("vat_number = 12", "billing.vat_number: must be text"),
        ('invoice_prefix = ""', "billing.invoice_prefix: must be 1 to 12 letters"),
        ('invoice_prefix = "<b>"', "billing.invoice_prefix: must be 1 to 12 letters"),
        ('credit_note_prefix = "INV-"', "billing.credit_note_prefix: must differ"),
        ("payment_terms_days = -1", "billing.payment_terms_days: must be a whole number from 0"),
        ("payment_terms_days = 1.5", "billing.payment_terms_days: must be a whole number"),
        ("reminder_days = [7, 3]", "billing.reminder_days: must list each day once, earliest"),
        ('reminder_days = ["3"]', "billing.reminder_days: must be a list of whole numbers"),
        ("suspend_after_days = 10", "billing.suspend_after_days: must be later than the last"),
        ("grace = 3", "billing.grace: unknown key"),
    ],
)
def test_a_bad_value_is_refused_naming_the_file_line_and_key(line, says):
    country = "" if line.startswith("country") else 'country = "DE"\n'
    text = without_billing() + f"\n[billing]\n{country}{line}\n"
    with pytest.raises(ProfileError) as caught:
        parse_profile(Path("policy.toml"), text)
    message = str(caught.value)
    assert says in message
    assert message.startswith("policy profile policy.toml, line ")
    line_number = int(re.search(r"line (\d+)", message).group(1))
    if "must be later" not in says and "must differ" not in says:
        assert line_number == len(text.splitlines())


def test_an_operator_inside_the_eu_cannot_use_a_non_union_oss_number():
    text = without_billing() + '\n[billing]\ncountry = "DE"\nvat_number = "EU372000041"\n'
    with pytest.raises(ProfileError, match="non-Union One-Stop Shop"):
        parse_profile(Path("policy.toml"), text)
