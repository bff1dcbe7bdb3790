"""``clientvault worker``: run background jobs from the database queue.

A thin wrapper around django-tasks' ``db_worker`` with all its options (``--batch`` to run what
is queued and exit, ``--max-tasks``, ``--queue-name``, ``--interval``, ``--worker-id``, ...).
Unlike ``db_worker`` it does not reload on code changes unless asked (``--reload``), and it
puts the process's signal handlers back when it returns.
"""

from __future__ import annotations

import signal
from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, name)
)


class Command(DatabaseWorkerCommand):
    help = "Run background jobs (the retention sweep and others) from the database queue."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False)
        for action in parser._actions:
            if action.dest == "reload":
                action.help = "Reload the worker on code changes, for development (default: off)"

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {number: signal.getsignal(number) for number in _SIGNALS}
        try:
            super().handle(*args, **options)
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
