"""``clientvault backup PATH``: the data database, without the key store, in one file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientvault.privacy.actors import SystemActor
from clientvault.privacy.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "Write the data database (never the key store) to a gzipped JSON backup file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="the backup file to write")
        parser.add_argument("--replace", action="store_true", help="overwrite an existing file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            header = write_backup(
                path=path, actor=SystemActor("backup"), replace=options["replace"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        models = sum(1 for n in header.counts.values() if n)
        self.stdout.write(
            f"Wrote {path}: {header.rows} rows of {models} models "
            f"(sha256 {header.payload_sha256[:16]}…). The key store is not in it."
        )
