"""Running a test server: in a background thread for tests, or until a signal for the command line.

With no ``state`` a server's state lives in a temporary directory removed when it stops.
"""

from __future__ import annotations

import signal
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from clientvault.localserver.server import LocalServer
from clientvault.localserver.store import SqliteStore

ServerT = TypeVar("ServerT", bound=LocalServer)
StoreT = TypeVar("StoreT", bound=SqliteStore)
Temporary = tempfile.TemporaryDirectory[str]


@dataclass
class Running(Generic[ServerT, StoreT]):
    """A started server: its ``url``, its ``store`` (for tests), ``stop()`` to end it."""

    server: ServerT
    thread: threading.Thread
    store: StoreT
    temporary: Temporary | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.stopped()
        self.store.close()
        if self.temporary is not None:
            self.temporary.cleanup()

    def stopped(self) -> None:
        """What else a server ends once it serves no more (before its store is closed)."""


def state_file(state: Path | str | None, name: str) -> tuple[Path | str, Temporary | None]:
    """``state``, or ``<name>.sqlite3`` in a new temporary directory (and that directory)."""
    if state is not None:
        return state, None
    temporary = tempfile.TemporaryDirectory(prefix=f"{name}-")
    return Path(temporary.name) / f"{name}.sqlite3", temporary


def bind(make: Callable[[], ServerT], store: SqliteStore, temporary: Temporary | None) -> ServerT:
    """The server ``make`` gives; if its address is taken, the store is closed first."""
    try:
        return make()
    except OSError:
        store.close()
        if temporary is not None:
            temporary.cleanup()
        raise


def serving_thread(server: LocalServer, name: str) -> threading.Thread:
    return threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True
    )


def serve_until_signal(
    start: Callable[[], Running[ServerT, StoreT]],
    *,
    announce: Callable[[str], None],
    describe: Callable[[str], str],
) -> None:
    """Run what ``start`` starts until SIGINT or SIGTERM; ``announce`` ``describe(url)`` first."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    running = start()
    announce(describe(running.url))
    try:
        stop.wait()
    finally:
        running.stop()
