"""The test registrar stands for an outside registrar: it runs without Django or the rest of
clientvault, and `clientvault testregistrar serve` only hands it the settings."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.cli import CLIENTVAULT, development_env
from tests.hosting.registrar_server import free_port

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
import clientvault.testregistrar
from clientvault.testregistrar import __main__
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith(("django.", "clientvault")))
print(json.dumps(loaded))
"""


def test_it_imports_neither_django_nor_the_rest_of_clientvault():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert [m for m in loaded if m.startswith("django")] == []
    outside = [
        m for m in loaded if m != "clientvault" and not m.startswith("clientvault.testregistrar")
    ]
    assert outside == []


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the command ended: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                return json.loads(answer.read())
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the registrar did not start")


def test_the_command_serves_with_the_settings_until_stopped(tmp_path):
    port = free_port()
    state = tmp_path / "registrar.sqlite3"
    command = [CLIENTVAULT, "testregistrar", "serve", "--port", str(port), "--state", str(state)]
    env = development_env(tmp_path / "var", CLIENTVAULT_TEST_REGISTRAR_KEY="registrar_key_x")
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert wait_until_up(f"http://127.0.0.1:{port}/health", process) == {"status": "ok"}
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/domains/check?name=nimbus.com",
            headers={"Authorization": "Bearer registrar_key_x"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert json.loads(answer.read())["available"] is True
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert f"Test registrar: http://127.0.0.1:{port}" in out
    assert state.exists()
    assert "GET /v1/domains/check 200" in err  # one line per request: the route, never the name
    assert "nimbus" not in err
