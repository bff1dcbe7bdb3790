"""Electronic safeguards of SEC-1 that every page relies on: argon2id, a strict CSP, no CDN."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from clientvault.privacy.profile import current_profile
from clientvault.web.middleware import POLICY, content_security_policy
from tests.web.test_settings import _production_env

ROOT = Path(__file__).resolve().parents[2] / "clientvault"
# What makes a browser fetch from another origin: a src, a stylesheet or icon link, a CSS url()
# or @import. (A plain link to another site is navigation, not a fetch.)
_ORIGIN = r"""["']?\s*(?:https?:)?//"""
EXTERNAL = re.compile(
    rf"src\s*=\s*{_ORIGIN}|<link[^>]*href\s*=\s*{_ORIGIN}|url\(\s*{_ORIGIN}|@import\s+{_ORIGIN}"
)

HASH_A_PASSWORD = (
    "import django; django.setup();"
    "from django.contrib.auth.hashers import make_password;"
    "print(make_password('correct horse battery staple'))"
)


def test_it_hashes_passwords_with_argon2id_in_production(tmp_path):
    env = _production_env(tmp_path, DJANGO_SETTINGS_MODULE="clientvault.settings")
    result = subprocess.run(
        [sys.executable, "-c", HASH_A_PASSWORD],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("argon2$argon2id$")


@pytest.mark.django_db(databases=["default", "keys"])  # /privacy publishes, audited
@pytest.mark.parametrize("name", ["home", "privacy:policy", "accounts:login", "accounts:signup"])
def test_it_sends_the_strict_content_security_policy_on_every_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy == content_security_policy()
    assert "default-src 'self'" in POLICY
    assert "http" not in policy  # no other origin is ever allowed
    # Inline style: only the brand's colours, by their hash; never 'unsafe-inline'.
    assert f"style-src 'self' {current_profile().brand.css_hash};" in policy
    assert "unsafe" not in policy


def _asset_files() -> list[Path]:
    kinds = ("*.html", "*.css", "*.js")
    return sorted(path for kind in kinds for path in ROOT.rglob(kind))


def test_the_pattern_catches_a_cdn():
    assert EXTERNAL.search('<script src="https://cdn.example.net/x.js"></script>')
    assert EXTERNAL.search('<link rel="stylesheet" href="//fonts.example.net/a.css">')
    assert EXTERNAL.search("body { background: url('https://img.example.net/a.png') }")
    assert not EXTERNAL.search('<a href="https://ico.org.uk/">the regulator</a>')


def test_no_template_or_asset_loads_anything_from_another_origin():
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{number}"
        for path in _asset_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if EXTERNAL.search(line)
    ]
    assert offenders == []
