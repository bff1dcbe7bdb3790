"""The profile's optional [rights] section: defaults, and bad values named by line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientvault.privacy.profile import PRESETS_DIR, ProfileError, parse_profile
from clientvault.privacy.rights_rules import RightsRules

PRESET = PRESETS_DIR / "need-to-know.toml"


def parsed(extra: str) -> RightsRules:
    text = PRESET.read_text() + extra
    return parse_profile(Path("policy.toml"), text).rights


def test_without_the_section_every_rule_has_its_default():
    assert parsed("") == RightsRules()
    assert RightsRules().jurisdiction == "gdpr"


def test_it_reads_each_rule():
    rules = parsed(
        '\n[rights]\njurisdiction = "ccpa"\nverification_days = 7\ncode_minutes = 15\n'
        "declaration_required = true\nclosure_grace_days = 0\n"
    )
    assert rules == RightsRules("ccpa", 7, 15, True, 0)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('jurisdiction = "texas"', "rights.jurisdiction: must be one of gdpr, ccpa"),
        ("verification_days = 0", "rights.verification_days: must be a whole number from 1"),
        ("code_minutes = true", "rights.code_minutes: must be a whole number"),
        ('declaration_required = "yes"', "rights.declaration_required: must be true or false"),
        ("grace = 3", "rights.grace: unknown key"),
    ],
)
def test_a_bad_value_is_refused_naming_the_line_and_key(line, says):
    text = PRESET.read_text() + f"\n[rights]\n{line}\n"
    with pytest.raises(ProfileError) as caught:
        parse_profile(Path("policy.toml"), text)
    assert says in str(caught.value)
    assert f"line {len(text.splitlines())}," in str(caught.value)
