"""``clientvault privacy inventory --format json|md``: the record of processing (GDPR Art. 30)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from clientvault.privacy import inventory as inv
from clientvault.privacy.fields import BlindIndexField, VaultField
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
    assert sorted(data) == [
        "categories",
        "controller",
        "data_subjects",
        "excluded",
        "security_measures",
        "storage",
    ]


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
    declared = inv.registry.declarations["accounts.User"].fields["email"]
    assert isinstance(declared, inv.Personal)  # the accounts app chooses; the record follows
    assert held_in(email, "accounts.User.email")["erasure"] == declared.erasure.value
    assert held_in(email, "kernelapp.Contact.email")["erasure"] == "shred"
    assert [p["key"] for p in email["purposes"]] == [
        "service",
        "billing",
        "notices",
        "marketing",
        "security",
        "support",
        "legal_obligation",  # what a rights request was given (rights.RightsRequest)
        "domain_registration",  # a domain contact's address goes to the registrar (hosting)
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
    session_ip = held_in(ip, "accounts.UserSession.ip_address")["retention"]
    assert (session_ip["period"], session_ip["days"]) == ("sessions", 14)
    assert session_ip["text"] == "deleted 14 days after it was last seen"
    session = held_in(
        category(data, "user.authorization.credentials"), "accounts.StoredSession.session_data"
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


def use_profile(tmp_path, settings, *replacements: tuple[str, str]) -> None:
    text = PRESET.read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    settings.CLIENTVAULT_POLICY = tmp_path / "policy.toml"
    settings.CLIENTVAULT_POLICY.write_text(text)
    current_profile.cache_clear()


def subjects() -> dict[str, list[str]]:
    return {s["key"]: s["roles"] for s in record()["data_subjects"]}


def measures() -> dict[str, str]:
    return {m["key"]: m["detail"] for m in record()["security_measures"]}


def installed_fields(kind: type) -> list[object]:
    return [f for m in apps.get_models() for f in m._meta.concrete_fields if isinstance(f, kind)]


def test_json_lists_the_categories_of_data_subjects_by_the_roles_they_sign_in_with():
    data = record()
    assert [s["key"] for s in data["data_subjects"]] == [
        "customer",
        "authorised_user",
        "staff",
        "visitor",
    ]
    assert subjects()["customer"] == subjects()["authorised_user"] == ["customer"]
    assert subjects()["staff"] == [
        "administrator",
        "billing",
        "legal",
        "marketing",
        "privacy_officer",
        "support",
    ]
    assert all(s["label"] for s in data["data_subjects"])


def test_json_takes_the_staff_roles_from_the_profile(tmp_path, settings):
    use_profile(
        tmp_path,
        settings,
        ('legal = ["legal_obligation", "security"]\n', ""),
        ('legal = ["legal_request"]\n', ""),  # [back_office] grants only roles of [roles]
    )
    assert "legal" not in subjects()["staff"]
    use_profile(
        tmp_path, settings, ('legal = ["legal_o', 'auditor = ["security"]\nlegal = ["legal_o')
    )
    assert subjects()["staff"][:2] == ["administrator", "auditor"]


@pytest.fixture
def registry():
    declarations = dict(inv.registry.declarations)
    yield inv.registry
    inv.registry.declarations.clear()
    inv.registry.declarations.update(declarations)


def test_json_lists_visitors_only_while_some_personal_data_has_no_subject(registry):
    unlinked = [
        d.label for d in registry if d.subject is None and any(True for _ in d.personal_fields())
    ]
    assert "django_tasks_database.DBTaskResult" in unlinked  # job results, about anyone
    assert "visitor" in subjects()
    for label in unlinked:
        del registry.declarations[label]
    assert "visitor" not in subjects()


def test_json_states_the_vault_measures_from_the_installed_fields():
    found = measures()
    sealed = installed_fields(VaultField)
    assert found["encryption"].startswith(f"{len(sealed)} personal fields are sealed with ")
    assert "AES-256-GCM" in found["encryption"]
    assert "separate key store database ('keys')" in found["key_store"]
    restricted = sum(1 for f in sealed if f.restricted)
    assert f"restricted fields ({restricted} installed)" in found["purpose_bound_reveal"]
    indexes = installed_fields(BlindIndexField)
    assert found["blind_indexes"].startswith(f"{len(indexes)} exact-match look-ups")
    assert "never the key store" in found["backups"]
    assert "hash-chained" in found["audit_log"]
    assert "staff view" in found["access_log"]


def test_json_states_the_measures_the_profile_sets(tmp_path, settings):
    profile = current_profile()
    found = measures()
    assert found["audit_log"].endswith(f"kept {profile.retention['audit_log']} days")
    assert f"({len(profile.retention)} periods set" in found["retention"]
    assert found["second_factor"].endswith(
        "required for staff, optional for customers (policy profile)"
    )
    use_profile(
        tmp_path,
        settings,
        ("customer_2fa_required = false", "customer_2fa_required = true"),
        ("audit_log = 2555", "audit_log = 3000"),
    )
    found = measures()
    assert "required for staff, required for customers" in found["second_factor"]
    assert found["audit_log"].endswith("kept 3000 days")


def test_json_states_the_password_hasher_and_https_settings_in_force(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    settings.CLIENTVAULT_LOGIN_LOCKOUT_FAILURES = 5
    settings.CLIENTVAULT_LOGIN_LOCKOUT_SECONDS = 900
    assert measures()["passwords"] == (
        "passwords are stored hashed with Argon2; sign-in is locked for 15 minutes after 5 failures"
    )
    assert measures()["transport"].startswith("not in force in this configuration")
    settings.SECURE_SSL_REDIRECT = settings.SESSION_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    assert measures()["transport"].startswith("HTTPS only: plain HTTP is redirected, HSTS for 365")


def test_markdown_prints_readable_tables():
    text = inventory("--format", "md")
    assert text.startswith("# Record of processing activities\n")
    for heading in (
        "## Controller",
        "## Storage and transfers",
        "## Categories of personal data",
        "## Where each category is held",
        "## Categories of data subjects",
        "## Technical and organisational security measures",
        "## Models left out of the inventory",
    ):
        assert heading in text
    assert "| Authorised users a customer adds to their account | customer |" in text
    assert "| Second factor | TOTP authenticator apps with backup codes: required for staff" in text
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
