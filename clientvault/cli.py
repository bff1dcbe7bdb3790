"""The ``clientvault`` command: Django's manage.py under the project's name.

Configuration errors (a malformed policy profile, a missing or wrong master key, a bad
environment variable) end the command with one line naming the problem, never a traceback.
"""

from __future__ import annotations

import os
import sys


def _known_errors() -> tuple[type[Exception], ...]:
    from django.core.exceptions import ImproperlyConfigured

    from clientvault.env import EnvError
    from clientvault.privacy.crypto import MasterKeyError
    from clientvault.privacy.profile import ProfileError

    return (ImproperlyConfigured, EnvError, MasterKeyError, ProfileError)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientvault.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv or sys.argv)
    except _known_errors() as error:
        sys.stderr.write(f"clientvault: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
