"""Production settings: check --deploy is clean; bad or missing values stop start-up in one line."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "clientvault.cli"]


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLIENTVAULT_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="hosting.example.com",
        CLIENTVAULT_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
        EMAIL_URL="smtp://127.0.0.1:25",
        CLIENTVAULT_VAR_DIR=str(tmp_path),
        STRIPE_SECRET_KEY="sk_live_" + secrets.token_hex(12),
        STRIPE_WEBHOOK_SECRET="whsec_" + secrets.token_hex(12),
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_it_passes_check_deploy_with_production_values(tmp_path):
    env = _production_env(tmp_path)
    collected = _run(env, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


ANSWERS_OVER_PLAIN_HTTP = """
import django
django.setup()
from django.test import Client
from django.urls import reverse
client = Client(HTTP_HOST="hosting.example.com", raise_request_exception=False)
paths = [reverse("accounts:signup"), reverse("accounts:login"), "/api/v1/me", "/api/v1/profile"]
for path in [*paths, "/healthz"]:
    for method in ("get", "post"):
        answer = getattr(client, method)(path)
        print(method.upper(), path, answer.status_code, answer.get("Location", "-"))
"""


def test_with_debug_off_forms_and_the_api_redirect_to_https_and_only_healthz_is_exempt(tmp_path):
    env = _production_env(tmp_path, DJANGO_SETTINGS_MODULE="clientvault.settings")
    result = subprocess.run(
        [sys.executable, "-c", ANSWERS_OVER_PLAIN_HTTP],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answers = [line.split() for line in result.stdout.splitlines()]
    for method, path, status, location in answers:
        if path == "/healthz":
            assert status != "301", f"{method} /healthz is sent to HTTPS: probes speak plain HTTP"
        else:
            assert (status, location) == ("301", f"https://hosting.example.com{path}"), (
                f"{method} {path} answered {status} {location} over plain HTTP"
            )
    assert len(answers) == 10


def test_check_deploy_says_when_static_files_are_not_collected(tmp_path):
    result = _run(_production_env(tmp_path), "check", "--deploy")
    assert result.returncode == 1
    assert "clientvault.E001" in result.stderr
    assert "run `clientvault collectstatic --noinput`" in result.stderr


def test_it_refuses_to_start_without_a_master_key(tmp_path):
    result = _run(_production_env(tmp_path, CLIENTVAULT_MASTER_KEY=""), "check")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "clientvault: CLIENTVAULT_MASTER_KEY or CLIENTVAULT_MASTER_KEY_FILE "
        "must be set when DEBUG=0"
    ]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "CLIENTVAULT_MASTER_KEY_FILE",
            "/nonexistent/master.key",
            "master key file /nonexistent/master.key does not exist",
        ),
        ("CLIENTVAULT_MASTER_KEY", "garbage", "CLIENTVAULT_MASTER_KEY: entry 1 is not a base64"),
    ],
)
def test_it_refuses_to_start_with_a_bad_master_key_source(tmp_path, name, value, message):
    env = _production_env(tmp_path, **{"CLIENTVAULT_MASTER_KEY": "", name: value})
    for args in (("check", "--deploy"), ("keys", "status")):
        result = _run(env, *args)
        assert result.returncode == 2, result.stdout
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith(f"clientvault: {message}")


WSGI_CASES = [
    ({"CLIENTVAULT_MASTER_KEY": ""}, "CLIENTVAULT_MASTER_KEY or CLIENTVAULT_MASTER_KEY_FILE"),
    ({"CLIENTVAULT_MASTER_KEY": "garbage"}, "CLIENTVAULT_MASTER_KEY: entry 1 is not a base64"),
    ({"CLIENTVAULT_POLICY": "/nonexistent/policy.toml"}, "policy profile /nonexistent/policy"),
    ({"DEBUG": "maybe"}, "DEBUG must be one of"),
]


@pytest.mark.parametrize(("overrides", "message"), WSGI_CASES)
def test_it_refuses_to_serve_a_bad_configuration_in_one_line(tmp_path, overrides, message):
    result = subprocess.run(
        [sys.executable, "-c", "import clientvault.wsgi"],
        env=_production_env(tmp_path, **overrides),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 4  # gunicorn's "App failed to load": it stops, not respawns
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"clientvault: {message}")
    assert "Traceback" not in result.stderr


def test_it_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run(_production_env(tmp_path, SECRET_KEY=""), "check")
    assert result.returncode == 2
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be one of"),
        ("EMAIL_URL", "carrier-pigeon://x", "EMAIL_URL is not a valid e-mail URL"),
        ("CLIENTVAULT_SESSION_IDLE_SECONDS", "soon", "must be a whole number"),
    ],
)
def test_it_names_a_malformed_environment_variable(tmp_path, name, value, message):
    result = _run(_production_env(tmp_path, **{name: value}), "check")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_it_develops_with_nothing_set(tmp_path):
    env = _production_env(tmp_path, DEBUG="", SECRET_KEY="", CLIENTVAULT_MASTER_KEY="")
    env.pop("EMAIL_URL")
    result = _run(env, "check")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret.key").exists()
