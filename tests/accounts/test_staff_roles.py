"""Staff roles are groups; their purposes come from the policy profile; the staffroles command."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from clientvault.accounts.models import StaffRole, User
from clientvault.accounts.services.staff import (
    create_staff_login,
    ensure_staff_roles,
    require_purpose,
    role_purposes,
    staff_purposes,
)
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import make_staff

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_makes_one_group_per_role_and_is_idempotent():
    ensure_staff_roles()
    ensure_staff_roles()
    names = sorted(Group.objects.values_list("name", flat=True))
    assert names == sorted(StaffRole.values)


def test_it_takes_each_roles_purposes_from_the_policy_profile():
    assert "support" in role_purposes(StaffRole.SUPPORT)
    assert "support" not in role_purposes(StaffRole.LEGAL)
    assert staff_purposes(make_staff(StaffRole.LEGAL)) == {"legal_obligation", "security"}


def test_it_refuses_a_role_without_the_purpose_naming_role_and_purpose():
    with pytest.raises(PermissionDenied) as error:
        require_purpose(staff=make_staff(StaffRole.LEGAL), purpose="support")
    assert "legal" in str(error.value)
    assert "Customer support" in str(error.value)


def test_the_command_grants_lists_and_revokes_roles(capsys):
    user = create_staff_login(
        username="newhire",
        email="newhire@host.example",
        first_name="Nia",
        last_name="Newhire",
        actor=SystemActor("test"),
    )
    call_command("staffroles", "ensure")
    call_command("staffroles", "grant", "newhire", "billing")
    assert list(user.groups.values_list("name", flat=True)) == ["billing"]
    call_command("staffroles", "list")
    out = capsys.readouterr().out
    assert "billing: purposes billing, payment_processing, notices, support; members newhire" in out
    assert "Nia" not in out  # logins are listed by username; names stay in the vault
    call_command("staffroles", "revoke", "newhire", "billing")
    assert not user.groups.exists()
    actions = AuditEvent.objects.values_list("action", flat=True)
    assert {"staff.role_granted", "staff.role_revoked"} <= set(actions)


def test_the_command_refuses_an_unknown_role_or_a_customer_login():
    User.objects.create(username="newhire", is_staff=True)
    User.objects.create(username="carol", is_staff=False)
    with pytest.raises(CommandError, match="'auditor' is not a staff role"):
        call_command("staffroles", "grant", "newhire", "auditor")
    with pytest.raises(CommandError, match="no staff login is called 'carol'"):
        call_command("staffroles", "grant", "carol", "support")
