"""Helpers for the browser tests: the job queue, TOTP codes, forms, the phone's screen."""

from __future__ import annotations

import re
from typing import Any

from django.core.management import call_command


def deliver_queued_mail() -> None:
    """Run the real worker over the queue once (``clientvault worker --batch``): queued mail
    goes out through Django's SMTP backend to the test's SMTP server."""
    call_command("worker", "--batch", verbosity=0)


def totp_code(secret: str) -> str:
    """The current six-digit code for a base32 secret (as a set-up page shows it, spaces and
    all), computed as an authenticator app would, with django_otp's own TOTP."""
    from base64 import b32decode

    cleaned = re.sub(r"[\s-]", "", secret).upper()
    return _totp(b32decode(cleaned + "=" * (-len(cleaned) % 8)))


def device_code(device: Any) -> str:
    """The current code of a django_otp AuthenticatorDevice (its key is hex)."""
    return _totp(bytes.fromhex(device.key))


def _totp(key: bytes) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(key, step=30, digits=6).token():06d}"


def fill_fields(page: Any, values: dict[str, str]) -> None:
    """Fill inputs by their accessible label, as a person reads the form."""
    for label, value in values.items():
        control = page.get_by_label(label, exact=True)
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)


def overflow_on_phone(page: Any) -> list[str]:
    """Elements wider than the phone's screen (the page would scroll sideways); [] when none."""
    found: list[str] = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                    + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
        }"""
    )
    return found


def submit(page: Any, name: str | None = None) -> None:
    """Press the page's form button (``name``: its text); never the navigation's "Sign out"."""
    from django.urls import reverse

    logout = reverse("accounts:logout")
    buttons = page.locator(f"main form:not([action='{logout}']) [type=submit]")
    if name is not None:
        buttons = buttons.filter(has_text=name)
    buttons.last.click()


def sign_in_with_browser(page: Any, identifier: str, password: str) -> None:
    """Through the sign-in page, as a person types it."""
    from django.urls import reverse

    page.goto(reverse("accounts:login"))
    page.get_by_label("Username or e-mail address", exact=True).fill(identifier)
    page.get_by_label("Password", exact=True).fill(password)
    submit(page)
    page.wait_for_load_state()


def open_menu(page: Any) -> None:
    """On a phone the area's menu is folded behind its "Menu" button: open it, if it is shut."""
    toggle = page.get_by_role("button", name="Menu", exact=True)
    if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def sign_out_with_browser(page: Any) -> None:
    """The navigation's "Sign out" (not a session's or "Sign out everywhere")."""
    open_menu(page)
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_load_state()


def error_for(page: Any, label: str) -> str:
    """The error text tied to the input labelled ``label`` through aria-describedby."""
    control = page.get_by_label(label, exact=True)
    ids = (control.get_attribute("aria-describedby") or "").split()
    texts = [page.locator(f"[id='{i}']").inner_text() for i in ids if i.endswith("_error")]
    return " ".join(texts)


PHONE_TABLES = (
    'on a phone these tables stack their cells without labels: give the table class="stack" '
    "and each cell a data-label naming its column (as the customer-area tables do)"
)


def unlabelled_tables_on_phone(page: Any) -> list[str]:
    """Tables the phone shows stacked (one cell under another) whose cells carry no label.

    On a narrow screen a table's cells are stacked; without ``class="stack"`` and a
    ``data-label`` on each cell the reader sees the column headings in a heap and then bare
    values, not knowing which is which. A column whose heading is only for screen readers
    (an actions column) needs no label. Returns the heading above each such table.
    """
    found: list[str] = page.evaluate(
        """() => {
            const visibleHeading = (table, index) => {
                const th = table.querySelectorAll('thead th')[index];
                if (!th) return false;
                const copy = th.cloneNode(true);
                copy.querySelectorAll('.visually-hidden').forEach(el => el.remove());
                return copy.textContent.trim() !== '';
            };
            const bare = table => [...table.querySelectorAll('tbody td')].some(
                td => !td.dataset.label && visibleHeading(table, td.cellIndex));
            return [...document.querySelectorAll('main table')]
                .filter(table => {
                    const cell = table.querySelector('tbody td');
                    return cell && getComputedStyle(cell).display === 'block' && bare(table);
                })
                .map(table => {
                    let node = table;
                    while (node && !/^H[1-6]$/.test(node.tagName)) {
                        node = node.previousElementSibling || node.parentElement;
                    }
                    return node ? node.textContent.trim() : 'a table';
                });
        }"""
    )
    return found


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def looks_right(page: Any, where: str) -> None:
    """axe-core passes at phone and desktop width; on the phone (where it is left) nothing is
    wider than the screen and every stacked table cell says what it is."""
    from tests.e2e.axe import assert_accessible

    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_accessible(page, f"{where} at {size['width']} px")
    page.set_viewport_size(PHONE)
    assert overflow_on_phone(page) == [], where
    assert unlabelled_tables_on_phone(page) == [], where


def sign_in_staff_with_browser(page: Any, user: Any) -> None:
    """A staff member signs in afresh (no one else's cookies), with their authenticator's code."""
    from django.urls import reverse

    from clientvault.accounts.models import AuthenticatorDevice
    from tests.accounts.personas import PASSWORD

    page.context.clear_cookies()
    sign_in_with_browser(page, user.username, PASSWORD)
    page.wait_for_url(f"**{reverse('accounts:two_factor')}*")
    code = device_code(AuthenticatorDevice.objects.get(user=user))
    page.get_by_label("Code", exact=True).fill(code)
    submit(page)
    page.wait_for_load_state()
