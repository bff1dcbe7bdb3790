"""``clientvault privacy check``: every field of every installed model is declared, consistently."""

from __future__ import annotations

import dataclasses
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test.utils import isolate_apps

from clientvault.privacy import inventory as inv
from clientvault.privacy.check import Summary, _problems_of, problems
from clientvault.privacy.fields import VaultField
from tests.kernelapp.models import Contact


@pytest.fixture
def registry():
    """The live registry; whatever a test changes in it is put back afterwards."""
    declarations = dict(inv.registry.declarations)
    exclusions = dict(inv.registry.exclusions)
    yield inv.registry
    inv.registry.declarations.clear()
    inv.registry.declarations.update(declarations)
    inv.registry.exclusions.clear()
    inv.registry.exclusions.update(exclusions)


def redeclare(label: str, **changes) -> None:
    declaration = inv.registry.declarations[label]
    inv.registry.declarations[label] = dataclasses.replace(declaration, **changes)


def set_field(label: str, name: str, spec: inv.FieldSpec | None) -> None:
    fields = dict(inv.registry.declarations[label].fields)
    if spec is None:
        fields.pop(name)
    else:
        fields[name] = spec
    redeclare(label, fields=fields)


def run_check() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("privacy", "check", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_project_declares_every_field_of_every_installed_model():
    assert problems() == []


def test_the_command_passes_with_a_summary_and_each_exclusion_with_its_reason():
    out, err = run_check()
    assert err == ""
    head, *excluded = out.splitlines()
    assert "models with" in head
    assert head.endswith(f", {len(excluded)} models excluded:")
    assert [line.split(":", 1)[0].strip() for line in excluded] == [
        "accounts.User_groups",
        "accounts.User_user_permissions",
        "auth.Group_permissions",
    ]
    reasons = dict(line.strip().split(": ", 1) for line in excluded)
    assert reasons == {label: inv.registry.exclusions[label] for label in reasons}  # as declared
    assert "many-to-many" in reasons["accounts.User_groups"]


def test_it_lists_a_new_exclusion_with_its_reason(registry):
    del registry.declarations["kernelapp.Visit"]
    inv.exclude("kernelapp.Visit", reason="a fixture of the kernel tests, nothing personal")
    out, _ = run_check()
    assert "  kernelapp.Visit: a fixture of the kernel tests, nothing personal\n" in out
    assert ", 4 models excluded:\n" in out


def test_the_summary_has_no_list_when_nothing_is_excluded():
    summary = Summary(models=2, fields=5, personal=1, exclusions=())
    assert str(summary) == (
        "privacy check passed: 2 models with 5 fields declared (1 personal), 0 models excluded"
    )


def test_it_refuses_a_field_left_out_of_a_declaration(registry):
    set_field("kernelapp.Contact", "email", None)
    with pytest.raises(CommandError) as failure:
        run_check()
    assert failure.value.returncode == 1
    assert problems() == ["kernelapp.Contact.email: not declared"]


def test_it_prints_one_line_per_problem(registry):
    set_field("kernelapp.Contact", "email", None)
    set_field("kernelapp.Visit", "at", None)
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("privacy", "check", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "kernelapp.Contact.email: not declared",
        "kernelapp.Visit.at: not declared",
    ]


def test_it_names_every_field_of_an_undeclared_model(registry):
    del registry.declarations["kernelapp.Visit"]
    assert problems() == [
        f"kernelapp.Visit.{name}: not declared (kernelapp.Visit has no declaration)"
        for name in ("id", "subject", "ip_address", "at")
    ]


def test_it_refuses_a_declared_field_that_does_not_exist(registry):
    set_field("kernelapp.Visit", "browser", inv.not_personal())
    assert problems() == ["kernelapp.Visit.browser: declared but no such field"]


def test_it_refuses_an_unknown_category(registry):
    spec = inv.personal("user.shoe_size", purposes=["security"], erasure="delete")
    set_field("kernelapp.Visit", "ip_address", spec)
    assert problems() == ["kernelapp.Visit.ip_address: unknown category 'user.shoe_size'"]


def test_it_refuses_an_unknown_purpose(registry):
    spec = inv.personal("user.device.ip_address", purposes=["curiosity"], erasure="delete")
    set_field("kernelapp.Visit", "ip_address", spec)
    assert problems() == ["kernelapp.Visit.ip_address: unknown purpose 'curiosity'"]


def test_the_restricted_card_field_is_a_vault_field():
    field = Contact._meta.get_field("card_number")
    spec = inv.registry.spec(Contact, "card_number")
    assert isinstance(spec, inv.Personal)
    assert spec.restricted
    assert isinstance(field, VaultField)
    assert field.restricted


def test_it_refuses_a_restricted_category_outside_a_vault_field(registry):
    spec = inv.personal("user.financial.credit_card", purposes=["billing"], erasure="delete")
    set_field("kernelapp.Visit", "ip_address", spec)
    assert problems() == [
        "kernelapp.Visit.ip_address: user.financial.credit_card is restricted and must be a "
        "VaultField"
    ]


def test_it_refuses_a_vault_field_declared_not_personal(registry):
    set_field("kernelapp.Contact", "name", inv.not_personal())
    assert problems() == ["kernelapp.Contact.name: a VaultField must be declared personal"]


def test_it_refuses_shredding_a_plain_field(registry):
    spec = inv.personal("user.device.ip_address", purposes=["security"], erasure="shred")
    set_field("kernelapp.Visit", "ip_address", spec)
    assert problems() == ["kernelapp.Visit.ip_address: 'shred' needs a VaultField"]


def test_it_refuses_retain_without_a_legal_basis(registry):
    spec = inv.personal(
        "user.device.ip_address", purposes=["security"], erasure="retain", retention="audit_log"
    )
    set_field("kernelapp.Visit", "ip_address", spec)
    assert problems() == [
        "kernelapp.Visit.ip_address: 'retain' needs a legal basis and a retention period"
    ]


def test_it_refuses_a_field_retention_missing_from_the_profile(registry):
    spec = inv.personal(
        "user.device.ip_address",
        purposes=["security"],
        erasure="retain",
        retention="forever",
        legal_basis="tax law",
    )
    set_field("kernelapp.Visit", "ip_address", spec)
    assert problems() == ["kernelapp.Visit.ip_address: retention 'forever' is not in the profile"]


def test_it_refuses_a_row_retention_missing_from_the_profile(registry):
    redeclare("kernelapp.Visit", retention=inv.RowRetention(period="visits", age_field="at"))
    assert problems() == ["kernelapp.Visit: retention 'visits' is not in the profile"]


def test_it_refuses_a_retention_measured_on_a_field_that_is_not_a_date(registry):
    rule = inv.RowRetention(period="login_history", age_field="ip_address")
    redeclare("kernelapp.Visit", retention=rule)
    assert problems() == ["kernelapp.Visit.ip_address: retention needs a date field to age rows"]


def test_it_refuses_a_retention_measured_on_a_nullable_date(registry):
    rule = inv.RowRetention(period="api_tokens", age_field="last_used_at")
    redeclare("accounts.ApiToken", retention=rule)
    assert problems() == ["accounts.ApiToken.last_used_at: rows without a date would never expire"]


def test_it_refuses_an_aggregator_that_cannot_be_imported(registry):
    rule = inv.RowRetention(period="login_history", age_field="at", aggregator="nowhere.count")
    redeclare("kernelapp.Visit", retention=rule)
    assert problems() == [
        "kernelapp.Visit: retention aggregator 'nowhere.count' cannot be imported"
    ]


def test_it_refuses_an_on_erasure_that_cannot_be_imported(registry):
    redeclare("kernelapp.Visit", on_erasure="nowhere.close")
    assert problems() == ["kernelapp.Visit: on_erasure 'nowhere.close' cannot be imported"]


def test_it_refuses_clearing_a_field_that_cannot_be_empty(registry):
    set_field(
        "kernelapp.Visit",
        "at",
        inv.personal("user.behavior", purposes=["security"], erasure="clear"),
    )
    assert problems() == ["kernelapp.Visit.at: 'clear' needs a field that can be empty"]


def test_it_refuses_a_subject_path_that_leads_nowhere(registry):
    redeclare("kernelapp.Visit", subject="at")
    assert problems() == ["kernelapp.Visit: subject path 'at' does not lead to a Subject"]


def test_it_refuses_a_vault_field_sealed_for_another_subject_than_declared(registry):
    redeclare("kernelapp.Contact", subject="subject__pk")
    found = problems()
    assert "kernelapp.Contact.name: the VaultField seals for subject 'subject' but the " in (
        "\n".join(found)
    )
    assert len(found) == 3  # name, email, card_number


def test_it_refuses_personal_data_that_neither_erasure_nor_retention_reaches(registry):
    redeclare("kernelapp.Visit", subject=None, retention=None)
    assert problems() == [
        "kernelapp.Visit: holds personal data but has no subject and no retention rule, "
        "so neither erasure nor the retention sweep reaches it"
    ]


def test_it_refuses_key_store_rows_declared_in_the_data_database(registry):
    redeclare("privacy.SubjectKey", storage=inv.DATA_DATABASE)
    assert problems() == [
        "privacy.SubjectKey: storage is 'data database' but its rows live in the key store database"
    ]


def test_it_names_the_owner_of_a_many_to_many_table_left_unhandled(registry):
    del registry.exclusions["accounts.User_groups"]
    assert problems() == [
        "accounts.User.groups: its many-to-many table accounts.User_groups is neither declared "
        "nor excluded"
    ]


def test_it_refuses_a_declaration_of_a_model_that_is_not_installed(registry):
    inv.declare("kernelapp.Ghost", subject=None, fields={})
    inv.exclude("kernelapp.Phantom", reason="test")
    assert problems() == [
        "kernelapp.Ghost: declared but not installed",
        "kernelapp.Phantom: excluded but not installed",
    ]


def test_it_refuses_a_model_both_declared_and_excluded(registry):
    inv.exclude("kernelapp.Visit", reason="test")
    assert problems() == ["kernelapp.Visit: both declared and excluded"]


@isolate_apps("tests.kernelapp")
def test_a_proxy_model_needs_no_declaration_of_its_own():
    class ContactProxy(Contact):
        class Meta:
            proxy = True
            app_label = "kernelapp"

    assert _problems_of(ContactProxy) == []
    assert inv.registry.for_model(ContactProxy) is inv.registry.for_model(Contact)


def test_it_refuses_a_registered_retention_rule_whose_period_is_not_in_the_profile(monkeypatch):
    from clientvault.privacy.services import retention

    rule = retention.ExtraRule(
        label="kernelapp.Contact", category="user.name", period="someday", expire=lambda c, d: 0
    )
    monkeypatch.setattr(retention, "_EXTRA_RULES", {("kernelapp.Contact", "someday"): rule})
    assert "kernelapp.Contact: retention 'someday' is not in the profile" in problems()
