"""``clientvault restore PATH``: load a backup into a freshly migrated data database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientvault.privacy.actors import SystemActor
from clientvault.privacy.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty (freshly migrated) data database, beside the live key "
        "store: subjects erased since the backup stay erased."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="the backup file to restore")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            restored = restore_backup(path=path, actor=SystemActor("restore"))
        except BackupError as error:
            raise CommandError(str(error)) from None
        header = restored.header
        self.stdout.write(
            f"Restored {header.rows} rows from {path} (made {header.created_at}); "
            f"{restored.erasures_reapplied} subjects erased since then stay erased."
        )
        if restored.subjects_without_key:
            self.stderr.write(
                f"Warning: {restored.subjects_without_key} subjects have no key in this key "
                "store, so their vault fields read as erased (a key store of another "
                "installation?)."
            )
