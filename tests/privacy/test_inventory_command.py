"""``clientvault privacy inventory --format json|md``: the record of processing (GDPR Art. 30)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from clientvault.privacy.profile import current_profile
from clientvault.privacy.record import WHILE_OPEN

PRESET = Path(django_settings.BASE_DIR) / "clientvault/privacy/presets/need-to-know.toml"


def inventory(*args: str) -> str:
    out = StringIO()
    call_command("privacy", "inventory", *args, stdout=out)
    return out.getvalue()


def record() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(inventory("--format", "json"))
    return data


def category(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(c for c in data["categories"] if c["key"] == key)


def held_in(entry: dict[str, Any], label: str) -> dict[str, Any]:
    model, field = label.rsplit(".", 1)
    return next(h for h in entry["held_in"] if (h["model"], h["field"]) == (model, field))


def test_json_is_parseable_stable_and_sorted():
    text = inventory("--format", "json")
    data = json.loads(text)
    assert text == inventory("--format", "json")
    assert text.strip() == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)
    assert sorted(data) == ["categories", "controller", "excluded", "storage"]


def test_json_names_the_controller_from_the_profile():
    profile = current_profile()
    assert record()["controller"] == {
        "name": profile.operator_name,
        "address": profile.operator_address,
        "privacy_contact": profile.privacy_contact,
        "website": profile.website,
    }


def test_json_lists_the_fields_holding_each_category():
    email = category(record(), "user.contact.email")
    assert email["label"] == "E-mail address"
    assert held_in(email, "accounts.User.email")["erasure"] == "clear"
    assert held_in(email, "kernelapp.Contact.email")["erasure"] == "shred"
    assert [p["key"] for p in email["purposes"]] == [
        "service",
        "billing",
        "notices",
        "security",
        "support",
    ]


def test_json_lists_recipients_from_the_profile_sharing_lists():
    data = record()
    card = category(data, "user.financial.credit_card")
    assert card["restricted"] is True
    assert [r["kind"] for r in card["recipients"]] == ["payment_processor", "affiliate"]
    name = category(data, "user.name")
    assert [r["kind"] for r in name["recipients"]] == [
        "registrar",
        "payment_processor",
        "affiliate",
    ]


def test_json_gives_retention_days_from_the_profile():
    data = record()
    ip = category(data, "user.device.ip_address")
    attempt = held_in(ip, "axes.AccessAttempt.ip_address")["retention"]
    assert (attempt["period"], attempt["days"]) == ("login_attempts", 90)
    assert attempt["text"] == "deleted after 90 days (counted from attempt time)"
    session = held_in(
        category(data, "user.authorization.credentials"), "sessions.Session.session_key"
    )
    assert session["retention"]["days"] == 14
    consent = held_in(category(data, "user.consent"), "privacy.ConsentRecord.granted")
    assert consent["erasure"] == "retain"
    assert consent["legal_basis"].startswith("GDPR Art. 7(1)")
    assert consent["retention"]["days"] == 2555


def test_json_reads_while_the_account_is_open_without_a_period():
    email = held_in(category(record(), "user.contact.email"), "accounts.User.email")
    assert email["retention"] == {"period": None, "days": None, "text": WHILE_OPEN}


def test_json_gives_storage_location_and_transfer_safeguards():
    profile = current_profile()
    data = record()
    assert data["storage"]["country"] == profile.storage_country
    email = category(data, "user.contact.email")
    assert email["storage"] == [f"data database, {profile.storage_country}"]
    assert email["transfer_safeguards"] == list(profile.transfer_safeguards)


def test_json_lists_the_excluded_models_with_their_reasons():
    excluded = {e["model"]: e["reason"] for e in record()["excluded"]}
    assert set(excluded) == {
        "accounts.User_groups",
        "accounts.User_user_permissions",
        "auth.Group_permissions",
    }
    assert "many-to-many" in excluded["accounts.User_groups"]


def test_json_follows_the_partner_mode_of_the_profile(tmp_path, settings):
    text = PRESET.read_text().replace('partners = "never"', 'partners = "opt-in"')
    text = text.replace("partner = []", 'partner = ["user.contact.email"]')
    settings.CLIENTVAULT_POLICY = tmp_path / "policy.toml"
    settings.CLIENTVAULT_POLICY.write_text(text)
    current_profile.cache_clear()
    recipients = category(record(), "user.contact.email")["recipients"]
    partner = next(r for r in recipients if r["kind"] == "partner")
    assert partner["condition"] == "only with your consent"


def test_markdown_prints_readable_tables():
    text = inventory("--format", "md")
    assert text.startswith("# Record of processing activities\n")
    for heading in (
        "## Controller",
        "## Storage and transfers",
        "## Categories of personal data",
        "## Where each category is held",
        "## Models left out of the inventory",
    ):
        assert heading in text
    assert "| Privacy contact | privacy@example.com |" in text
    assert "| `user.contact.email` | `accounts.User.email` |" in text
    assert "| `accounts.User_groups` | auto-created many-to-many table" in text


def test_markdown_tables_have_the_same_number_of_columns_on_every_row():
    for table in inventory().split("\n\n"):
        rows = [line for line in table.splitlines() if line.startswith("|")]
        widths = {row.replace("\\|", "").count("|") for row in rows}
        assert len(widths) <= 1, table


def test_it_refuses_an_unknown_format():
    with pytest.raises(CommandError, match=r"--format: invalid choice: 'xml'"):
        inventory("--format", "xml")


def test_it_refuses_a_missing_verb():
    with pytest.raises(CommandError, match="check,inventory"):
        call_command("privacy", stdout=StringIO())
