"""What the benchmarks share: production-like settings, PostgreSQL databases, child processes.

Nothing here imports Django: the scripts run clientvault in child processes with the
environment built here, as a deployment would.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "var" / "bench"  # git-ignored: keys, the credentials file, the data's manifest
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- settings ----------------------------------------------------------------------------------


def secret_file(path: Path, make: str) -> str:
    """A value kept in a file readable by its owner only, made on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make)
        path.chmod(0o600)
    return path.read_text().strip()


def master_key_file(directory: Path) -> Path:
    path = directory / "master.key"
    secret_file(path, f"v1:{base64.b64encode(secrets.token_bytes(32)).decode()}\n")
    return path


def production_env(*, data_url: str, keys_url: str, var_dir: Path) -> dict[str, str]:
    """clientvault's environment as in production (DEBUG=0, argon2), for one local run.

    Mail goes to files under ``var_dir`` (nothing is sent); the server sits behind one
    (pretended) reverse proxy, so each session's X-Forwarded-For is its client address and the
    throttles count each session apart, at their production limits.
    """
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(REPO),
        "DEBUG": "0",
        "SECRET_KEY": secret_file(CACHE / "secret.key", secrets.token_urlsafe(50)),
        "CLIENTVAULT_MASTER_KEY_FILE": str(master_key_file(CACHE)),
        "DATABASE_URL": data_url,
        "CLIENTVAULT_KEYS_DATABASE_URL": keys_url,
        "CLIENTVAULT_VAR_DIR": str(var_dir),
        "CLIENTVAULT_STATIC_ROOT": str(CACHE / "static"),
        "EMAIL_URL": f"file://{var_dir / 'mail'}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CLIENTVAULT_SSL_REDIRECT": "0",
        "CLIENTVAULT_TRUSTED_PROXIES": "1",
    }


# --- PostgreSQL --------------------------------------------------------------------------------


class Postgres:
    """Databases on one server, made and dropped through its maintenance database."""

    def __init__(self, server: str) -> None:
        self.server = server.rstrip("/")

    def url(self, name: str) -> str:
        parts = urlsplit(self.server)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def exists(self, name: str) -> bool:
        with self._admin() as connection:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return found.fetchone() is not None

    def drop(self, name: str) -> None:
        with self._admin() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def create(self, name: str, template: str | None = None) -> None:
        """A new empty database, or a copy of ``template`` (a file copy: seconds, not minutes)."""
        self.drop(name)
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self._admin() as connection:
            connection.execute(statement)


# --- child processes ---------------------------------------------------------------------------


class Children:
    """Child processes, each in its own process group, all ended when the block is left.

    Leaving by an error, Ctrl-C (SIGINT) or SIGTERM ends them too: SIGTERM to each group, then
    SIGKILL to what is left after ``grace`` seconds.
    """

    def __init__(self, grace: float = 10.0) -> None:
        self.grace = grace
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, args: Sequence[str], **kwargs: object) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(args, start_new_session=True, **kwargs)  # type: ignore[call-overload]
        self.running.append(process)
        return process  # type: ignore[no-any-return]

    def run(
        self, args: Sequence[str], env: Mapping[str, str], timeout: float | None = None
    ) -> None:
        """Run a command to its end (ended with the others if this process is stopped first);
        CalledProcessError if it fails, TimeoutExpired (after ending it) if it takes too long."""
        process = self.start(args, env=env, cwd=REPO)
        try:
            code = process.wait(timeout)
        finally:
            self.stop(process)
        if code != 0:
            raise subprocess.CalledProcessError(code, list(args))

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        _signal_group(process, signal.SIGKILL)
        process.wait()
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(reversed(self.running)):
            self.stop(process)


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signum)  # the group the child leads (start_new_session)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def children() -> Iterator[Children]:
    """A :class:`Children` whose processes are ended however the block is left.

    SIGTERM ends the block like an error; so does SIGINT, even when this process was started
    with it ignored (as a shell does for background jobs).
    """
    previous_term = signal.signal(signal.SIGTERM, _terminate)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    group = Children()
    try:
        yield group
    finally:
        group.stop_all()
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
