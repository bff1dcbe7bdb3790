"""The test gateway stands for an outside provider: it runs without Django or the rest of
clientvault, and `clientvault testgateway serve` only hands it the settings."""

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
    loaded = loaded_by("clientvault.testgateway")
    assert [m for m in loaded if m.startswith("django")] == []
    assert outside(loaded, "clientvault.testgateway") == []


def test_the_command_serves_with_the_settings_until_stopped(tmp_path):
    port = free_port()
    state = tmp_path / "gateway.sqlite3"
    command = ["testgateway", "serve", "--port", str(port), "--state", str(state)]
    env = development_env(tmp_path / "var")
    with command_serving([*command, "--webhook-url", ""], env) as served:
        assert wait_until_up(f"{url(port)}/health", served.process) == {"status": "ok"}
        request = urllib.request.Request(
            f"{url(port)}/v1/customers",
            data=b"{}",
            method="POST",
            headers={"Authorization": "Bearer whsec_clientvault_test"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert json.loads(answer.read())["id"].startswith("cus_")
    assert served.process.returncode == 0, served.err
    assert f"Test payment gateway: {url(port)}" in served.out
    assert state.exists()
    assert "POST /v1/customers 200" in served.err  # one line per request: the route, never the body
