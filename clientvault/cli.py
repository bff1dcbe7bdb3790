"""The ``clientvault`` command: Django's manage.py under the project's name.

Configuration errors (a malformed policy profile, a missing or wrong master key, a bad
environment variable) end the command with one line naming the problem, never a traceback; so
does a database error on a database that lacks migrations (it says which database, and to run
``clientvault migrate``). :func:`report_configuration_errors` does the same for the WSGI
application (``wsgi.py``).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

USAGE_ERROR = 2
# What gunicorn's arbiter reads as "App failed to load": it stops instead of respawning workers.
APP_LOAD_ERROR = 4


def _known_errors() -> tuple[type[Exception], ...]:
    from django.core.exceptions import ImproperlyConfigured

    from clientvault.env import EnvError
    from clientvault.privacy.crypto import MasterKeyError
    from clientvault.privacy.profile import ProfileError
    from clientvault.privacy.schema import NotMigratedError

    return (ImproperlyConfigured, EnvError, MasterKeyError, ProfileError, NotMigratedError)


def _not_migrated() -> Exception | None:
    """After a database error: the one-line reason if a database lacks migrations, else None."""
    from django.db import DatabaseError

    from clientvault.privacy.schema import not_migrated_error

    try:
        return not_migrated_error()
    except DatabaseError:  # the database cannot even be asked: the original error stands
        return None


def _missing_table_errors() -> tuple[type[Exception], ...]:
    from django.db import OperationalError, ProgrammingError

    return (OperationalError, ProgrammingError)


@contextmanager
def report_configuration_errors(*, exit_code: int = USAGE_ERROR) -> Iterator[None]:
    """Turn a known configuration error, or a database error on a database that lacks
    migrations, into one line on stderr and exit with ``exit_code``."""
    try:
        yield
    except _known_errors() as error:
        _exit(error, exit_code)
    except _missing_table_errors():
        reason = _not_migrated()
        if reason is None:
            raise
        _exit(reason, exit_code)


def _exit(reason: Exception, exit_code: int) -> NoReturn:
    sys.stderr.write(f"clientvault: {reason}\n")
    sys.stderr.flush()
    if threading.current_thread() is not threading.main_thread():
        # `runserver` loads the application in a thread: end the process, not only the thread
        # (which would leave the development server running, serving nothing).
        os._exit(exit_code)
    sys.exit(exit_code)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientvault.settings")
    from django.core.management import execute_from_command_line

    with report_configuration_errors():
        execute_from_command_line(argv or sys.argv)


if __name__ == "__main__":
    main()
