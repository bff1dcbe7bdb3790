"""What the standalone tests of the local test servers share (gateway, panel, registrar).

- ``loaded_by(package)``: the django and clientvault modules that importing ``package`` (and its
  ``__main__``) loads, in a fresh interpreter without Django's settings;
  ``outside(loaded, package)``: those that are neither ``package`` nor the shared
  ``clientvault.localserver`` plumbing.
- ``free_port()``: a port nothing listens on.
- ``command_serving(args, env)``: ``clientvault <args>`` running for a ``with`` block, stopped
  with SIGTERM at its end (then ``.out``, ``.err`` and ``.process.returncode`` tell how it went);
  ``wait_until_up(url, process)``: the JSON at ``url`` once the command answers.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.cli import CLIENTVAULT

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import json, sys
import {package}
from {package} import __main__
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith(("django.", "clientvault")))
print(json.dumps(loaded))
"""
SHARED = "clientvault.localserver"


def loaded_by(package: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    probe = PROBE.format(package=package)
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


def outside(loaded: list[str], package: str) -> list[str]:
    return [m for m in loaded if m != "clientvault" and not m.startswith((package, SHARED))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    process: subprocess.Popen[str]
    out: str = ""
    err: str = ""


@contextmanager
def command_serving(args: list[str], env: dict[str, str]) -> Iterator[Served]:
    process = subprocess.Popen(
        [CLIENTVAULT, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    served = Served(process)
    try:
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        served.out, served.err = process.communicate(timeout=15)


def wait_until_up(url: str, process: subprocess.Popen[str], timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"the command ended: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                return json.loads(answer.read())
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


def url(port: int) -> str:
    return f"http://127.0.0.1:{port}"
