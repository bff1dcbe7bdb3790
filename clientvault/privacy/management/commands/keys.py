"""``clientvault keys rotate|status|generate``: the master key ring and the key store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientvault.privacy import crypto, vault
from clientvault.privacy.crypto import MasterKeyError


class Command(BaseCommand):
    help = "Rotate the master key, show the key store's state, or make a new key ring file."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(
            dest="verb", required=True, metavar="{rotate,status,generate}"
        )
        rotate = verbs.add_parser(
            "rotate", help="re-wrap every key under a new master key version (data untouched)"
        )
        rotate.add_argument(
            "--new-key-file",
            metavar="PATH",
            help="a key ring whose newest version becomes the master key (outside development)",
        )
        verbs.add_parser("status", help="master key versions, fingerprints and key counts")
        generate = verbs.add_parser(
            "generate", help="write the current ring plus a new random version to a new file"
        )
        generate.add_argument("path", metavar="PATH")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verb"] == "rotate":
                self._rotate(options["new_key_file"])
            elif options["verb"] == "generate":
                self._generate(Path(options["path"]))
            else:
                self._status()
        except MasterKeyError as error:
            raise CommandError(str(error)) from None

    def _rotate(self, new_key_file: str | None) -> None:
        if new_key_file is not None:
            self._rotate_to_file(Path(new_key_file))
            return
        if not settings.CLIENTVAULT_DEV_KEYS:
            raise CommandError(
                "outside development the new master key comes from a file: run "
                "`clientvault keys generate NEW`, then `clientvault keys rotate --new-key-file NEW`"
            )
        rotation = vault.rotate_key_file()
        self.stdout.write(
            f"Re-wrapped {rotation.rewrapped} keys under master key version {rotation.version}; "
            f"{settings.CLIENTVAULT_MASTER_KEY_FILE} now holds it. The data was not touched."
        )

    def _rotate_to_file(self, path: Path) -> None:
        source = f"new key file {path}"
        try:
            ring = crypto.parse_keyring(path.read_text(), source)
        except OSError as error:
            raise CommandError(f"{source} cannot be read: {error.strerror}") from None
        count = vault.rotate_master_key(ring, source)
        self.stdout.write(
            f"Re-wrapped {count} keys under master key version {ring.current_version} of "
            f"{path}. The data was not touched.\n"
            f"Now set CLIENTVAULT_MASTER_KEY_FILE={path} (or CLIENTVAULT_MASTER_KEY to its "
            "contents) and restart every clientvault process: the old key ring no longer "
            "opens the key store."
        )

    def _generate(self, path: Path) -> None:
        if path.exists():
            raise CommandError(f"{path} already exists; choose a new file name")
        ring = vault.keyring().with_new_version(vault.next_master_version())
        try:
            vault.write_keyring_file(path, ring)
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}") from None
        versions = ", ".join(f"v{v}" for v in sorted(ring.keys))
        self.stdout.write(
            f"Wrote a key ring with {versions} (new: v{ring.current_version}) to {path}, "
            f"readable by its owner only. Next: clientvault keys rotate --new-key-file {path}"
        )

    def _status(self) -> None:
        status = vault.key_status()
        ring = ", ".join(f"v{v}" for v in status.ring_versions)
        self.stdout.write(
            f"Master key ring: {status.source} ({ring}; newest v{status.current_version})"
        )
        self.stdout.write("Key store master key versions:")
        for version in status.versions:
            marks = [
                m
                for m, on in (
                    ("newest", version.version == status.current_version),
                    ("not in the ring", not version.in_ring),
                )
                if on
            ]
            self.stdout.write(
                f"  v{version.version}  fingerprint {version.fingerprint[:12]}  "
                f"subject keys {version.subject_keys}  system keys {version.system_keys}"
                + (f"  ({', '.join(marks)})" if marks else "")
            )
        self.stdout.write(
            f"Subject keys: {status.live_keys} live, {status.destroyed_keys} destroyed (erased)"
        )
        unopenable = [
            v for v in status.versions if not v.in_ring and v.subject_keys + v.system_keys
        ]
        if unopenable:
            raise CommandError(
                f"keys are wrapped under master key version {unopenable[0].version}, which the "
                "ring lacks: add it back, or rotate with a ring that holds it"
            )
