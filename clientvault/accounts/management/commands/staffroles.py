"""``clientvault staffroles ensure|list|grant|revoke``: staff roles as groups.

Each role's purposes come from the policy profile's ``[roles]`` table; ``list`` shows them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientvault.accounts.models import StaffRole
from clientvault.accounts.services.staff import (
    ensure_staff_roles,
    grant_staff_role,
    revoke_staff_role,
    role_purposes,
)
from clientvault.privacy.actors import SystemActor

ACTOR = SystemActor("staffroles")


class Command(BaseCommand):
    help = "Create the staff role groups, list them with their purposes, grant or revoke a role."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(
            dest="verb", required=True, metavar="{ensure,list,grant,revoke}"
        )
        verbs.add_parser("ensure", help="create a group per staff role (safe to repeat)")
        verbs.add_parser("list", help="each role with its purposes and members")
        for verb in ("grant", "revoke"):
            sub = verbs.add_parser(verb, help=f"{verb} a staff login a role")
            sub.add_argument("username")
            sub.add_argument("role", help=", ".join(StaffRole.values))

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "ensure":
            groups = ensure_staff_roles()
            self.stdout.write(
                f"{len(groups)} staff roles ready: {', '.join(g.name for g in groups)}"
            )
        elif verb == "list":
            self._list()
        else:
            self._change(verb, options["username"], options["role"])

    def _list(self) -> None:
        for role in StaffRole:
            group = Group.objects.filter(name=role.value).first()
            members = sorted(group.user_set.values_list("username", flat=True)) if group else []
            purposes = ", ".join(role_purposes(role.value)) or "none (not in the policy profile)"
            self.stdout.write(
                f"{role.value}: purposes {purposes}; members {', '.join(members) or 'none'}"
            )

    def _change(self, verb: str, username: str, role: str) -> None:
        change = grant_staff_role if verb == "grant" else revoke_staff_role
        try:
            change(username=username, role=role, actor=ACTOR)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        done = "now has" if verb == "grant" else "no longer has"
        self.stdout.write(f"{username} {done} the role {role}.")
