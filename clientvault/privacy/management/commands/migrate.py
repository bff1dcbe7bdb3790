"""``clientvault migrate``: Django's migrate, for the data database and the key store at once.

Without ``--database`` every database is migrated in turn (the data database, then the key
store; the router creates in each only its own tables). ``--database ALIAS`` migrates that one
only, as Django's command does.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import connections

from clientvault.privacy.schema import database_name


class Command(DjangoMigrateCommand):
    help = "Migrate the data database and the key store (or only the one named by --database)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(database=None)
        for action in parser._actions:
            if action.dest == "database":
                action.help = "Migrate only this database (default: every database)."

    def get_check_kwargs(self, options: Any) -> dict[str | None, Any]:
        kwargs = super().get_check_kwargs(options)
        kwargs["databases"] = self._aliases(options)
        return kwargs

    def handle(self, *args: Any, **options: Any) -> None:
        aliases = self._aliases(options)
        for alias in aliases:
            if options["verbosity"] >= 1 and len(aliases) > 1:
                self.stdout.write(self.style.MIGRATE_HEADING(self._heading(alias)))
            super().handle(*args, **{**options, "database": alias})

    def _aliases(self, options: dict[str, Any]) -> list[str]:
        chosen = options.get("database")
        return [str(chosen)] if chosen else list(connections)

    def _heading(self, alias: str) -> str:
        return f"The {database_name(alias)} database ({alias}):"
