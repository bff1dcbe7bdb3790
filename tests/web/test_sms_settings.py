"""CLIENTVAULT_SMS_URL: empty or an http(s) URL (HTTPS in production unless on this machine);
a bad value stops start-up with one line naming the variable."""

from __future__ import annotations

import pytest

from tests.web.test_settings import _production_env, _run

PRINT_SMS = [
    "shell",
    "--no-imports",
    "-c",
    "from django.conf import settings; print(settings.CLIENTVAULT_SMS_URL)",
]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ftp://sms.example.net/send", "CLIENTVAULT_SMS_URL must be an http:// or https:// URL"),
        ("sms.example.net/send", "CLIENTVAULT_SMS_URL must be an http:// or https:// URL"),
        ("http://sms.example.net/send", "CLIENTVAULT_SMS_URL must use https:// when DEBUG=0"),
    ],
)
def test_it_refuses_a_bad_gateway_url_in_one_line(tmp_path, value, message):
    result = _run(_production_env(tmp_path, CLIENTVAULT_SMS_URL=value), "check")
    assert result.returncode == 2, result.stdout
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"clientvault: {message}")


@pytest.mark.parametrize(
    "value", ["https://sms.example.net/v1/messages", "http://127.0.0.1:8025/send", ""]
)
def test_it_takes_an_https_gateway_or_a_local_one_or_none(tmp_path, value):
    result = _run(_production_env(tmp_path, CLIENTVAULT_SMS_URL=value), *PRINT_SMS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1:] == ([value] if value else [])
