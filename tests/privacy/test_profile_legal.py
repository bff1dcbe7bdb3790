"""The profile's optional [legal] and [breach] sections: defaults, and bad values named by line
and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientvault.privacy.legal_rules import BreachRules, LegalRules
from clientvault.privacy.profile import PRESETS_DIR, ProfileError, parse_profile

# The preset without its [legal] and [breach] sections (they close the file).
BASE = (PRESETS_DIR / "need-to-know.toml").read_text().split("\n[legal]")[0]


def parse(extra: str = "") -> tuple[LegalRules, BreachRules]:
    profile = parse_profile(Path("policy.toml"), BASE + extra)
    return profile.legal, profile.breach


def test_both_sections_are_optional_with_the_gdpr_clock_and_every_channel():
    legal, breach = parse()
    assert legal == LegalRules()
    assert breach.regulator_hours == 72
    assert breach.channels == ("email", "letter", "telephone")


def test_every_preset_states_both_sections():
    for preset in PRESETS_DIR.glob("*.toml"):
        text = preset.read_text()
        assert "\n[legal]\n" in text, preset.name
        assert "\n[breach]\n" in text, preset.name


def test_it_reads_each_rule():
    legal, breach = parse(
        '\n[legal]\nemergency_categories = ["user.name"]\nemergency_followup_days = 3\n'
        "notice_reminder_days = 7\npackage_days = 2\npreservation_days = 180\n"
        '\n[breach]\nregulator_hours = 96\nregulator = "the ICO"\nchannels = ["letter"]\n'
    )
    assert legal == LegalRules(("user.name",), 3, 7, 2, 180)
    assert breach == BreachRules(96, "the ICO", ("letter",))


@pytest.mark.parametrize(
    ("section", "line", "says"),
    [
        ("legal", 'emergency_categories = ["user.nope"]', "unknown data category 'user.nope'"),
        (
            "legal",
            'emergency_categories = ["user.demographic.religious_belief"]',
            "is sensitive data, never disclosed",
        ),
        ("legal", "package_days = 0", "legal.package_days: must be a whole number from 1 to 30"),
        ("legal", "preservation_days = true", "legal.preservation_days: must be a whole number"),
        ("breach", "regulator_hours = 0", "breach.regulator_hours: must be a whole number"),
        ("breach", 'channels = ["fax"]', "breach.channels: must be a list of distinct channels"),
        ("breach", 'channels = ["email", "email"]', "breach.channels: must be a list of"),
        ("breach", "channels = []", "breach.channels: must be a list of distinct channels"),
        ("breach", 'regulator = "  "', "breach.regulator: must be a non-empty text"),
        ("breach", "pigeon = true", "breach.pigeon: unknown key"),
    ],
)
def test_a_bad_value_is_refused_naming_the_line_and_key(section, line, says):
    text = BASE + f"\n[{section}]\n{line}\n"
    with pytest.raises(ProfileError) as caught:
        parse_profile(Path("policy.toml"), text)
    assert says in str(caught.value)
    assert f"line {len(text.splitlines())}," in str(caught.value)
