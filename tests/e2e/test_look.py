# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and access_world)
"""One look everywhere: every page's main button in the brand's accent, and staff tables wide
enough for a date to stay on one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from tests.accounts.access_world import World, world  # noqa: F401
from tests.accounts.personas import customer, make_staff, sign_in, sign_in_staff  # noqa: F401
from tests.e2e.conftest import TIMEOUT_MS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

ACCENT = "rgb(26, 94, 32)"  # #1a5e20
DESKTOP = {"width": 1280, "height": 800}
# The main buttons of a page: form buttons that are not outlined (.secondary, .danger) or links.
MAIN_BUTTONS = """() => [...document.querySelectorAll('main button[type=submit], main a.button')]
    .filter(b => !b.closest('nav') && !b.matches('.secondary, .danger, .link'))
    .map(b => [b.textContent.trim(), getComputedStyle(b).backgroundColor])"""


@pytest.fixture
def green_brand(settings, tmp_path):
    text = (PRESETS_DIR / "need-to-know.toml").read_text()
    path = Path(tmp_path / "policy.toml")
    path.write_text(text + '\n[brand]\naccent = "#1a5e20"\n')
    settings.CLIENTVAULT_POLICY = path
    current_profile.cache_clear()


def _desktop(browser: Any, live_server: Any, client: Client | None = None) -> Any:
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    if client is not None:
        context.add_cookies(
            [
                {"name": n, "value": m.value, "url": live_server.url}
                for n, m in client.cookies.items()
            ]
        )
    return context.new_page()


def _off_accent(tab: Any, names: list[str]) -> list[str]:
    wrong = []
    for name in names:
        tab.goto(reverse(name))
        buttons = tab.evaluate(MAIN_BUTTONS)
        assert buttons, f"{name} has no main button"
        wrong += [f"{name}: {text!r} is {colour}" for text, colour in buttons if colour != ACCENT]
    return wrong


def test_main_buttons_are_the_accent_colour_on_every_kind_of_page(
    browser, live_server, customer, green_brand
):
    anonymous = _desktop(browser, live_server)
    wrong = _off_accent(anonymous, ["home", "accounts:login", "accounts:password_reset"])
    owner = _desktop(browser, live_server, sign_in(Client(), customer.user))
    wrong += _off_accent(
        owner,
        ["accounts:profile", "accounts:api_tokens", "accounts:user_invite", "accounts:reauth"],
    )
    staff = _desktop(
        browser, live_server, sign_in_staff(Client(), make_staff(StaffRole.SUPPORT.value))
    )
    wrong += _off_accent(staff, ["accounts:staff_search", "accounts:staff_intake"])
    for tab in (anonymous, owner, staff):
        tab.context.close()
    assert wrong == []


LINES = """() => [...document.querySelectorAll('main td[data-label=When]')].map(td => {
    const range = document.createRange();
    range.selectNodeContents(td);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return [td.textContent.trim(), tops.size];
})"""


def test_dates_in_staff_tables_stay_on_one_line_on_a_desktop(browser, live_server, world):
    client = sign_in_staff(Client(), make_staff(StaffRole.SUPPORT.value))
    tab = _desktop(browser, live_server, client)
    tab.goto(reverse("accounts:staff_customer", args=[world.owner.customer.number]))
    cells = tab.evaluate(LINES)
    assert cells, "the record shows no dated rows"
    assert [text for text, lines in cells if lines > 1] == []
    width = tab.evaluate("() => document.querySelector('.area-main').clientWidth")
    assert width > 1000  # the back office uses the screen, not a 720-pixel column
    tab.context.close()
