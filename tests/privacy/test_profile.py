"""The policy profile: a malformed file is refused with its file, line and key named."""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clientvault.privacy.profile import (
    BACK_OFFICE_REASONS,
    PRESETS_DIR,
    RETENTION_KEYS,
    ProfileError,
    load_profile,
    parse_profile,
)

PRESET = PRESETS_DIR / "need-to-know.toml"


def edited(tmp_path: Path, **replacements: str) -> tuple[Path, str]:
    """The need-to-know preset with some text replaced, written to a file of its own."""
    text = PRESET.read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path, text


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def refusal(tmp_path: Path, **replacements: str) -> tuple[str, str]:
    path, text = edited(tmp_path, **replacements)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"policy profile {path}")
    assert "\n" not in message
    return message, text


def test_it_loads_the_need_to_know_preset():
    profile = load_profile(PRESET)
    assert profile.operator_name == "Example Hosting Ltd"
    assert profile.privacy_contact == "privacy@example.com"
    assert profile.partners == "never"
    assert profile.affiliates_need_to_know is True
    assert set(RETENTION_KEYS) <= set(profile.retention)
    assert "payment_processing" in profile.purposes_for({"billing"})
    assert "payment_processing" not in profile.purposes_for({"support", "legal"})


def test_it_is_frozen():
    profile = load_profile(PRESET)
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.partners = "opt-out"  # type: ignore[misc]


def test_it_names_the_line_of_a_toml_syntax_error(tmp_path):
    message, text = refusal(tmp_path, **{"[storage]": "[storage"})
    assert f"line {line_of(text, '[storage')}:" in message
    assert "column" in message


def test_it_names_the_last_line_when_the_syntax_error_is_at_the_end(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('[operator]\nname = "Example')
    with pytest.raises(ProfileError, match=r"line 2: Unterminated string"):
        load_profile(path)


def test_it_refuses_a_missing_section(tmp_path):
    text = PRESET.read_text()
    start, end = text.index("[marketing]"), text.index("[communications]")
    path = tmp_path / "policy.toml"
    path.write_text(text[:start] + text[end:])
    with pytest.raises(ProfileError, match=r"\[marketing\]: section is missing"):
        load_profile(path)


def test_it_refuses_a_missing_key_at_its_section(tmp_path):
    message, text = refusal(tmp_path, **{'website = "https://example.com"\n': ""})
    assert f"line {line_of(text, '[operator]')}, operator.website: key is missing" in message


def test_it_refuses_a_missing_retention_period(tmp_path):
    message, text = refusal(tmp_path, **{"sessions = 14\n": ""})
    assert f"line {line_of(text, '[retention]')}, retention.sessions: key is missing" in message


def test_it_refuses_a_value_of_the_wrong_type(tmp_path):
    message, text = refusal(
        tmp_path, **{"transfers_outside_eea = true": 'transfers_outside_eea = "yes"'}
    )
    line = line_of(text, "transfers_outside_eea")
    assert f"line {line}, storage.transfers_outside_eea: must be true or false" in message
    assert "'yes'" in message


def test_it_refuses_a_section_given_as_a_single_value(tmp_path):
    text = PRESET.read_text().replace("[security]\ncustomer_2fa_required = false\n", "")
    path = tmp_path / "policy.toml"
    path.write_text("# comment\nsecurity = 1\n" + text)
    with pytest.raises(ProfileError, match=r"line 2, \[security\]: must be a section"):
        load_profile(path)


def test_it_refuses_an_unknown_option_naming_line_and_key(tmp_path):
    message, text = refusal(tmp_path, **{'partners = "never"': 'partners = "sometimes"'})
    line = line_of(text, "partners =")
    assert f"line {line}, sharing.partners: must be one of never, opt-out, opt-in" in message
    assert "'sometimes'" in message


def test_it_refuses_to_sell_personal_data(tmp_path):
    message, text = refusal(tmp_path, **{"sell = false": "sell = true"})
    assert f"line {line_of(text, 'sell =')}, sharing.sell: must be false" in message
    assert "never sold, leased or rented" in message


def test_it_refuses_an_unknown_category_in_a_sharing_list(tmp_path):
    message, text = refusal(
        tmp_path, **{'registrar = ["user.name"': 'registrar = ["user.shoe_size"'}
    )
    line = line_of(text, "registrar =")
    assert f"line {line}, sharing.registrar: unknown category 'user.shoe_size'" in message


def test_it_refuses_restricted_data_for_partners(tmp_path):
    message, _ = refusal(
        tmp_path,
        **{
            'partners = "never"': 'partners = "opt-out"',
            "partner = []": 'partner = ["user.financial.credit_card"]',
        },
    )
    assert "sharing.partner: restricted data (user.financial.credit_card)" in message


def test_it_refuses_sensitive_data_for_anyone(tmp_path):
    message, _ = refusal(
        tmp_path,
        **{'registrar = ["user.name"': 'registrar = ["user.demographic.religious_belief"'},
    )
    assert "sharing.registrar: sensitive data (user.demographic.religious_belief)" in message


def test_it_refuses_partner_data_when_partners_are_never(tmp_path):
    message, text = refusal(tmp_path, **{"partner = []": 'partner = ["user.name"]'})
    line = line_of(text, "partner = ")
    assert f"line {line}, sharing.partner: must be empty when sharing.partners" in message


def test_it_refuses_partner_sharing_that_names_no_data(tmp_path):
    message, _ = refusal(tmp_path, **{'partners = "never"': 'partners = "opt-out"'})
    assert "sharing.partner: must name what partners receive in mode 'opt-out'" in message


def test_it_refuses_transfers_outside_the_eea_without_safeguards(tmp_path):
    message, text = refusal(
        tmp_path,
        **{
            'safeguards = ["Standard contractual clauses approved by the European Commission"]': (
                "safeguards = []"
            )
        },
    )
    line = line_of(text, "safeguards =")
    assert f"line {line}, storage.safeguards: transfers outside the EEA need" in message


def test_it_refuses_an_unknown_purpose_in_roles(tmp_path):
    message, text = refusal(
        tmp_path, **{'support = ["service", "support"': 'support = ["service", "spying"'}
    )
    line = line_of(text, "support =")
    assert f"line {line}, roles.support: unknown purpose 'spying'" in message


@pytest.mark.parametrize("days", ["0", "-5", '"14"', "1.5", "true"])
def test_it_refuses_a_retention_that_is_not_a_positive_number_of_days(tmp_path, days):
    message, text = refusal(tmp_path, **{"sessions = 14": f"sessions = {days}"})
    line = line_of(text, "sessions =")
    assert f"line {line}, retention.sessions: must be a positive whole number of days" in message


def test_it_refuses_an_invalid_email_address(tmp_path):
    message, text = refusal(
        tmp_path, **{'privacy_contact = "privacy@example.com"': 'privacy_contact = "privacy"'}
    )
    line = line_of(text, "privacy_contact")
    assert f"line {line}, operator.privacy_contact: must be an e-mail address" in message


def test_it_refuses_a_website_that_is_not_a_web_address(tmp_path):
    message, text = refusal(
        tmp_path, **{'website = "https://example.com"': 'website = "javascript:alert(1)"'}
    )
    line = line_of(text, "website")
    assert f"line {line}, operator.website: must be a web address" in message


def test_it_refuses_a_misspelt_key(tmp_path):
    message, text = refusal(
        tmp_path, **{"affiliates_need_to_know = true": "affiliates_need_to_now = true"}
    )
    line = line_of(text, "affiliates_need_to_now")
    assert f"line {line}, sharing.affiliates_need_to_now: unknown key" in message


def test_it_accepts_a_missing_section_whose_keys_all_have_defaults(tmp_path):
    path, _ = edited(tmp_path, **{"[security]\ncustomer_2fa_required = false\n": ""})
    assert load_profile(path).customer_2fa_required is False


def test_it_refuses_an_unknown_section(tmp_path):
    message, text = refusal(tmp_path, **{"[security]": "[secrity]"})
    assert f"line {line_of(text, '[secrity]')}, [secrity]: unknown section" in message


def test_it_refuses_a_missing_file(tmp_path):
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ProfileError, match=r"policy profile .*nowhere.toml does not exist"):
        load_profile(missing)


def test_it_refuses_an_unreadable_file(tmp_path):
    with pytest.raises(ProfileError, match=r"cannot be read: Is a directory"):
        load_profile(tmp_path)
    binary = tmp_path / "policy.toml"
    binary.write_bytes(b"\xff\xfe[operator]\n")
    with pytest.raises(ProfileError, match=r"policy profile .*policy.toml cannot be read"):
        load_profile(binary)


def test_it_parses_text_without_touching_the_disk():
    profile = parse_profile(Path("inline.toml"), PRESET.read_text())
    assert profile.path == Path("inline.toml")


def test_a_malformed_profile_stops_start_up_with_one_line(tmp_path):
    path, text = edited(tmp_path, **{'partners = "never"': 'partners = "sometimes"'})
    env = {k: v for k, v in os.environ.items() if k != "CLIENTVAULT_TESTING"}
    env["CLIENTVAULT_POLICY"] = str(path)
    command = Path(sys.executable).parent / "clientvault"
    done = subprocess.run(
        [str(command), "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    line = line_of(text, "partners =")
    assert f"{path}, line {line}, sharing.partners: must be one of" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def back_office_line(text: str, start: str) -> int:
    """The line of ``start`` in [back_office] (its keys also start lines in [roles])."""
    lines = text.splitlines()
    section = lines.index("[back_office]")
    return next(n for n, line in enumerate(lines, 1) if n > section and line.startswith(start))


def test_it_grants_back_office_reasons_per_role_by_name():
    profile = load_profile(PRESET)
    assert profile.back_office_reasons_for({"billing"}) == {"billing_run"}
    assert profile.back_office_reasons_for({"administrator"}) == set()
    assert profile.back_office_reasons_for({"support", "privacy_officer"}) == {"privacy_request"}
    assert set(BACK_OFFICE_REASONS.values()) <= set(profile.purposes_for({"system"}))


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        (
            'billing = ["billing_run"]',
            'billing = ["curiosity"]',
            "billing",
            "unknown reason 'curiosity'",
        ),
        ('legal = ["legal_request"]', 'legal = "legal_request"', "legal", "must be a list of text"),
        (
            "support = []\nadministrator",
            'support = ["billing_run"]\nadministrator',
            "support",
            "reason 'billing_run' serves the purpose 'billing', which [roles] does not grant",
        ),
        (
            "support = []\nadministrator",
            'customer = ["billing_run"]\nadministrator',
            "customer",
            "must be a staff role of [roles]",
        ),
        (
            "support = []\nadministrator",
            'intern = ["privacy_request"]\nadministrator',
            "intern",
            "must be a staff role of [roles]",
        ),
    ],
)
def test_it_refuses_a_back_office_grant_naming_line_and_role(tmp_path, old, new, key, problem):
    message, text = refusal(tmp_path, **{old: new})
    line = back_office_line(text, f"{key} =")
    assert f"line {line}, back_office.{key}: {problem}" in message


def test_without_a_back_office_table_no_role_works_without_a_caller(tmp_path):
    text = PRESET.read_text()
    path = tmp_path / "policy.toml"
    path.write_text(text.split("[back_office]", 1)[0])
    assert load_profile(path).back_office == {}


def test_it_reads_where_customers_reach_support():
    profile = load_profile(PRESET)
    assert profile.support_email == "support@example.com"
    assert profile.support_phone == "+17035550100"
    assert profile.support_phone_display == "+1 703-555-0100"


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("phone", '"703 555 0100"', "must be a telephone number in international format"),
        ("phone", '"+1 555 0100"', "must be a telephone number in international format"),
        ("phone", "17035550100", "must be a telephone number in international format"),
        ("email", '"support at example"', "must be an e-mail address"),
    ],
)
def test_it_refuses_a_bad_support_contact_naming_its_line_and_key(tmp_path, key, value, problem):
    current = {"phone": '"+1 703 555 0100"', "email": '"support@example.com"'}[key]
    message, text = refusal(tmp_path, **{f"{key} = {current}": f"{key} = {value}"})
    assert f"line {line_of(text, f'{key} = {value}')}, support.{key}: {problem}" in message


def test_it_refuses_a_profile_without_support_contacts(tmp_path):
    block = "[support]\n"
    keys = 'email = "support@example.com"\nphone = "+1 703 555 0100"\n'
    path, _ = edited(tmp_path, **{block: "", keys: ""})
    with pytest.raises(ProfileError, match=r", \[support\]: section is missing$"):
        load_profile(path)


def test_a_bad_support_phone_stops_start_up_with_one_line(tmp_path):
    path, text = edited(tmp_path, **{'phone = "+1 703 555 0100"': 'phone = "call us"'})
    env = {k: v for k, v in os.environ.items() if k != "CLIENTVAULT_TESTING"}
    env["CLIENTVAULT_POLICY"] = str(path)
    command = Path(sys.executable).parent / "clientvault"
    done = subprocess.run(
        [str(command), "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"clientvault: policy profile {path}, line {line_of(text, 'phone =')}, support.phone: "
        "must be a telephone number in international format, e.g. +44 20 7946 0000 "
        "(got 'call us')"
    ]
