"""The test registrar stands for an outside registrar: it runs without Django or the rest of
clientvault, and `clientvault testregistrar serve` only hands it the settings."""

from __future__ import annotations

import json
import urllib.request

from tests.cli import development_env
from tests.localserver import (
    command_serving,
    free_port,
    loaded_by,
    outside,
    url,
    wait_until_up,
)


def test_it_imports_neither_django_nor_the_rest_of_clientvault():
    loaded = loaded_by("clientvault.testregistrar")
    assert [m for m in loaded if m.startswith("django")] == []
    assert outside(loaded, "clientvault.testregistrar") == []


def test_the_command_serves_with_the_settings_until_stopped(tmp_path):
    port = free_port()
    state = tmp_path / "registrar.sqlite3"
    command = ["testregistrar", "serve", "--port", str(port), "--state", str(state)]
    env = development_env(tmp_path / "var", CLIENTVAULT_TEST_REGISTRAR_KEY="registrar_key_x")
    with command_serving(command, env) as served:
        assert wait_until_up(f"{url(port)}/health", served.process) == {"status": "ok"}
        request = urllib.request.Request(
            f"{url(port)}/v1/domains/check?name=nimbus.com",
            headers={"Authorization": "Bearer registrar_key_x"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert json.loads(answer.read())["available"] is True
    assert served.process.returncode == 0, served.err
    assert f"Test registrar: {url(port)}" in served.out
    assert state.exists()
    assert "GET /v1/domains/check 200" in served.err  # the route, never the name
    assert "nimbus" not in served.err
