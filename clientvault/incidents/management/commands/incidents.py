"""``clientvault incidents scope --login USERNAME --since DATETIME [--until DATETIME] [--ids]``:
what a compromised login saw, for operators in a hurry (SEC-5).

Prints the number of people by category of data (and, with ``--ids``, their subject ids), read
from the access log as an incident's scope is; nothing is kept, and the reading is audited
(counts only). Datetimes are ISO 8601 (``2026-11-01T09:00``; without an offset, in the site's
time zone). Bad input gets one line naming it, and exit 2.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from clientvault.incidents.models import ScopeKind
from clientvault.incidents.services.scope import Found, ScopeAsk, find, resolve
from clientvault.incidents.wording import labels
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.services.audit import record_event

OPERATOR = SystemActor("operator")


def parse_when(value: str, option: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"{option}: not a date and time ({value!r}); use ISO 8601 such as 2026-11-01T09:00.",
            returncode=2,
        ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def table(found: Found) -> str:
    out = Table(title="People by category of data", title_justify="left")
    out.add_column("Category")
    out.add_column("Code")
    out.add_column("People", justify="right")
    for code, n in found.by_category().items():
        out.add_row(labels([code])[0] if labels([code]) else code, code, str(n))
    buffer = io.StringIO()
    Console(file=buffer, width=120, force_terminal=False, color_system=None).print(out)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Scope an incident from the access log: what a compromised login saw."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scope = sub.add_parser("scope", help="What a login saw in a window")
        scope.add_argument("--login", required=True, help="The compromised login's username")
        scope.add_argument("--since", required=True, help="From (ISO 8601)")
        scope.add_argument("--until", default="", help="Until (ISO 8601; default now)")
        scope.add_argument("--ids", action="store_true", help="Print the subject ids too")

    def handle(self, *args: Any, **options: Any) -> None:
        since = parse_when(options["since"], "--since")
        until = parse_when(options["until"], "--until") if options["until"] else None
        ask = ScopeAsk(kind=ScopeKind.LOGIN, since=since, until=until, login=options["login"])
        try:
            resolved = resolve(ask, actor=OPERATOR)
        except ValidationError as error:
            message = " ".join(error.messages).replace("Until:", "--until:")
            raise CommandError(message.replace("Login:", "--login:"), returncode=2) from None
        found = find(resolved)
        with transaction.atomic():
            details = {"events": found.events, "subjects": len(found.subjects)}
            record_event(action="incident.scope_read", actor=OPERATOR, details=details)
        self.stdout.write(
            f"{resolved.actor_id}: {found.events} access-log entries, "
            f"{len(found.subjects)} people, {resolved.since.isoformat()} to "
            f"{resolved.until.isoformat()}"
        )
        self.stdout.write(table(found))
        if options["ids"]:
            for subject_id, (_, seen) in sorted(found.subjects.items(), key=lambda i: str(i[0])):
                self.stdout.write(f"{subject_id} {'seen' if seen else 'could_have_seen'}")
