# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""On a phone the customer area's and the back office's menus fold behind a "Menu" button.

The button is a disclosure (aria-expanded, aria-controls); once opened every item is on the
screen, whole, and can be followed. Without JavaScript the menu is a plain list, all of it shown.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from tests.accounts.personas import customer, make_staff, sign_in, sign_in_staff  # noqa: F401
from tests.e2e.conftest import PHONE, TIMEOUT_MS
from tests.e2e.support import overflow_on_phone

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

CUSTOMER_ITEMS = [
    "Dashboard",
    "Profile",
    "Security",
    "Authorised users",
    "Account log",
    "API tokens",
    "Sign out",
]
STAFF_ITEMS = ["Customers", "Telephone intake", "Sign out"]


def _phone(browser: Any, live_server: Any, client: Client, *, javascript: bool = True) -> Any:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [{"name": n, "value": m.value, "url": live_server.url} for n, m in client.cookies.items()]
    )
    return context.new_page()


def _item(nav: Any, name: str) -> Any:
    role = "button" if name == "Sign out" else "link"
    return nav.get_by_role(role, name=name, exact=True)


def _wholly_on_screen(item: Any) -> bool:
    box = item.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def _open_menu_shows_every_item(tab: Any, label: str, items: list[str]) -> None:
    nav = tab.get_by_role("navigation", name=label)
    toggle = nav.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert all(not _item(nav, name).is_visible() for name in items)
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    hidden = [name for name in items if not _item(nav, name).is_visible()]
    off_screen = [name for name in items if not _wholly_on_screen(_item(nav, name))]
    assert (hidden, off_screen) == ([], [])
    assert overflow_on_phone(tab) == []


def test_a_customer_opens_the_menu_on_a_phone_and_reaches_every_item(
    browser, live_server, customer, shot
):
    tab = _phone(browser, live_server, sign_in(Client(), customer.user))
    tab.goto(reverse("accounts:dashboard"))
    _open_menu_shows_every_item(tab, "Your account", CUSTOMER_ITEMS)
    shot(tab, "menu-customer-open")
    _item(tab.get_by_role("navigation", name="Your account"), "API tokens").click()
    tab.wait_for_url("**/account/api-tokens")
    assert tab.get_by_role("heading", level=1, name="API tokens").is_visible()
    tab.context.close()


def test_staff_open_the_menu_on_a_phone_and_reach_every_item(browser, live_server, shot):
    client = sign_in_staff(Client(), make_staff(StaffRole.SUPPORT.value))
    tab = _phone(browser, live_server, client)
    tab.goto(reverse("accounts:staff_search"))
    _open_menu_shows_every_item(tab, "Back office", STAFF_ITEMS)
    shot(tab, "menu-staff-open")
    _item(tab.get_by_role("navigation", name="Back office"), "Telephone intake").click()
    tab.wait_for_url("**/staff/intake/")
    tab.context.close()


def test_the_menu_closes_again_with_its_button_or_escape(browser, live_server, customer):
    tab = _phone(browser, live_server, sign_in(Client(), customer.user))
    tab.goto(reverse("accounts:profile"))
    nav = tab.get_by_role("navigation", name="Your account")
    toggle = nav.get_by_role("button", name="Menu")
    toggle.click()
    toggle.click()
    assert not _item(nav, "Profile").is_visible()
    toggle.click()
    tab.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not _item(nav, "Profile").is_visible()
    tab.context.close()


def test_without_javascript_the_menu_is_a_plain_list_wholly_shown(browser, live_server, customer):
    tab = _phone(browser, live_server, sign_in(Client(), customer.user), javascript=False)
    tab.goto(reverse("accounts:dashboard"))
    nav = tab.get_by_role("navigation", name="Your account")
    assert not nav.get_by_role("button", name="Menu").is_visible()
    hidden = [name for name in CUSTOMER_ITEMS if not _item(nav, name).is_visible()]
    off_screen = [name for name in CUSTOMER_ITEMS if not _wholly_on_screen(_item(nav, name))]
    assert (hidden, off_screen) == ([], [])
    tab.context.close()


def test_on_a_desktop_the_menu_is_always_shown_without_a_button(browser, live_server, customer):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    client = sign_in(Client(), customer.user)
    context.add_cookies(
        [{"name": n, "value": m.value, "url": live_server.url} for n, m in client.cookies.items()]
    )
    tab = context.new_page()
    tab.goto(reverse("accounts:dashboard"))
    nav = tab.get_by_role("navigation", name="Your account")
    assert not nav.get_by_role("button", name="Menu").is_visible()
    assert all(_item(nav, name).is_visible() for name in CUSTOMER_ITEMS)
    context.close()
