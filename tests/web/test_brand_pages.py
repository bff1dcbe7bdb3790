"""The operator's brand on every page, and a home page that says who the host is."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.privacy.profile import PRESETS_DIR, current_profile

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
)


@pytest.fixture
def branded(settings, tmp_path):
    """The default profile with a [brand]: a name, a green accent and a logo beside it."""
    (tmp_path / "logo.svg").write_bytes(LOGO)
    text = (PRESETS_DIR / "need-to-know.toml").read_text()
    brand = '\n[brand]\nname = "Blue Harbour"\naccent = "#1a5e20"\nlogo = "logo.svg"\n'
    path = Path(tmp_path / "policy.toml")
    path.write_text(text + brand)
    settings.CLIENTVAULT_POLICY = path
    current_profile.cache_clear()
    return current_profile().brand


def test_the_home_page_says_who_the_host_is_and_leads_to_sign_in_and_signup():
    page = Client().get("/").content.decode()
    profile = current_profile()
    assert f'<h1 id="home-heading">{profile.operator_name}</h1>' in page
    assert f"{profile.operator_name} hosts your websites" in page
    assert profile.operator_address in page
    assert f'<a class="button" href="{reverse("accounts:signup")}">Open an account</a>' in page
    assert f'href="{reverse("accounts:login")}">Sign in</a>' in page


@pytest.mark.parametrize("name", ["home", "accounts:login", "accounts:signup", "privacy:policy"])
def test_every_page_carries_the_brand_its_colour_and_its_logo(branded, name):
    response = Client().get(reverse(name))
    page = response.content.decode()
    assert "<span>Blue Harbour</span>" in page
    logo = "data:image/svg+xml;base64," + base64.b64encode(LOGO).decode()
    assert f'<img src="{logo}" alt="" height="32">' in page
    assert f"<style>{branded.css}</style>" in page
    assert "--accent:#1a5e20" in branded.css
    # The one inline style sheet is allowed by its hash, and nothing else inline is.
    assert f"style-src 'self' {branded.css_hash};" in response["Content-Security-Policy"]


def test_without_a_brand_the_operator_name_heads_every_page():
    page = Client().get(reverse("accounts:login")).content.decode()
    assert f"<span>{current_profile().operator_name}</span>" in page
    assert "<img" not in page
