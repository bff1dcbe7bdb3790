"""The test control panel stands for an outside panel: it runs without Django or the rest of
clientvault, and `clientvault testpanel serve` only hands it the settings."""

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
    loaded = loaded_by("clientvault.testpanel")
    assert "clientvault.testpanel.server" in loaded
    assert [m for m in loaded if m.startswith("django")] == []
    assert outside(loaded, "clientvault.testpanel") == []


def test_the_command_serves_with_the_settings_until_stopped(tmp_path):
    port = free_port()
    state = tmp_path / "panel.sqlite3"
    command = ["testpanel", "serve", "--port", str(port), "--state", str(state)]
    env = development_env(tmp_path / "var", CLIENTVAULT_TEST_PANEL_KEY="panel_key_from_settings")
    with command_serving(command, env) as served:
        assert wait_until_up(f"{url(port)}/health", served.process) == {"status": "ok"}
        body = {"service_ref": "svc-1", "domain": "example.com", "plan": "shared-starter"}
        request = urllib.request.Request(
            f"{url(port)}/v1/accounts",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": "Bearer panel_key_from_settings"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert json.loads(answer.read())["username"] == "examplec"
    assert served.process.returncode == 0, served.err
    assert f"Test control panel: {url(port)}" in served.out
    assert state.exists()
    assert "POST /v1/accounts 201" in served.err  # one line per request: the route, never the body
    assert "example.com" not in served.err
