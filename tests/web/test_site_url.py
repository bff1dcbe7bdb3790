"""In development the site URL (links in mail, demo logins, the policy address read out at
telephone intake) follows where the development server listens: ``make run HOST=...``."""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from clientvault.settings import development_server
from tests.cli import REPO, clientvault, development_env, migrated, migrated_var

__all__ = ["migrated", "migrated_var"]  # fixtures


@pytest.mark.parametrize(
    ("host", "url", "name"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000", "127.0.0.1"),
        ("8001", "http://127.0.0.1:8001", "127.0.0.1"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000", "127.0.0.1"),
        ("0:9000", "http://127.0.0.1:9000", "127.0.0.1"),
        ("localhost:8080", "http://localhost:8080", "localhost"),
        ("dev.example.test:8000", "http://dev.example.test:8000", "dev.example.test"),
        ("[::]:8000", "http://[::1]:8000", "[::1]"),
        ("[::1]:8443", "http://[::1]:8443", "[::1]"),
    ],
)
def test_it_derives_the_site_from_where_the_development_server_listens(host, url, name):
    assert development_server(host) == (url, name)


@pytest.mark.parametrize("host", ["", "example.com", "127.0.0.1:", "127.0.0.1:99999", "a b:80"])
def test_it_refuses_a_host_runserver_would_refuse_naming_the_variable(host):
    with pytest.raises(ImproperlyConfigured, match=r"^CLIENTVAULT_HOST must be PORT or ADDRESS"):
        development_server(host)


def site_url(tmp_path: Path, **env: str) -> str:
    shown = clientvault(
        development_env(tmp_path, **env),
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; print(settings.CLIENTVAULT_SITE_URL, "
        "' '.join(settings.ALLOWED_HOSTS))",
    )
    assert shown.returncode == 0, shown.stderr
    return shown.stdout.strip()


def test_the_settings_follow_clientvault_host_in_development(tmp_path):
    assert site_url(tmp_path) == "http://127.0.0.1:8000 127.0.0.1 localhost testserver"
    url, allowed = site_url(tmp_path, CLIENTVAULT_HOST="dev.example.test:8123").split(" ", 1)
    assert url == "http://dev.example.test:8123"
    assert "dev.example.test" in allowed.split()


def test_an_explicit_site_url_wins_and_production_ignores_the_development_host(tmp_path):
    explicit = site_url(
        tmp_path, CLIENTVAULT_HOST="8123", CLIENTVAULT_SITE_URL="https://hosting.example.com/"
    )
    assert explicit.split()[0] == "https://hosting.example.com"
    production = site_url(
        tmp_path,
        DEBUG="0",
        CLIENTVAULT_HOST="8123",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="hosting.example.com",
        CLIENTVAULT_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
        EMAIL_URL="smtp://127.0.0.1:25",
    )
    assert production == "https://hosting.example.com hosting.example.com"


def test_the_printed_demo_logins_use_the_host(migrated):
    env = development_env(migrated, CLIENTVAULT_HOST="127.0.0.1:8123")
    printed = clientvault(env, "demo", "--logins")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("Demo logins at http://127.0.0.1:8123/sign-in,")
    assert "8000" not in printed.stdout


def test_make_run_hands_its_host_to_every_command(tmp_path):
    """``make run`` with a stand-in for the installed commands, which record their environment."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / ".installed").touch()
    record = tmp_path / "commands.txt"
    stand_in = bin_dir / "clientvault"
    # The server waits (up to 10 s) for the worker, the mail listener, the test payment gateway,
    # control panel and registrar beside it to record themselves: make kills them as soon as
    # the server ends.
    stand_in.write_text(
        "#!/bin/sh\n"
        f'echo "$* CLIENTVAULT_HOST=$CLIENTVAULT_HOST" >> {record}\n'
        '[ "$1" = runserver ] || exit 0\n'
        "for _ in $(seq 100); do "
        f"grep -q ^worker {record} && grep -q '^mail serve' {record} && "
        f"grep -q '^testgateway serve' {record} && grep -q '^testpanel serve' {record} && "
        f"grep -q '^testregistrar serve' {record} && exit 0; sleep 0.1; done\n"
    )
    stand_in.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIENTVAULT_")}
    subprocess.run(
        ["make", "--no-print-directory", "run", f"VENV={bin_dir.parent}", "HOST=0.0.0.0:8123"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = sorted(record.read_text().splitlines())
    assert lines == sorted(
        f"{command} CLIENTVAULT_HOST=0.0.0.0:8123"
        for command in (
            "migrate --noinput",
            "demo",
            "demo --logins",
            "worker",
            "mail serve --port 8025",
            "testgateway serve",
            "testpanel serve",
            "testregistrar serve",
            "runserver 0.0.0.0:8123",
        )
    )
