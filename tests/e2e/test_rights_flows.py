"""Rights requests in the browser (RGT-1..3): a customer asks for a copy and downloads it, a
person without a login asks through the public form and confirms with the code the SMTP server
received, and an agent asks with a signed permission which the person confirms.

Every page visited passes axe-core. The request's work runs in the test (the worker's job, run
here as ``clientvault worker`` would), and mail goes to a real SMTP server (aiosmtpd).
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from clientvault.accounts.services.sessions import REAUTH_AT, REAUTH_SECONDS
from clientvault.rights.models import AgentPermission, RightsRequest, Status
from tests.accounts.mailutil import body, deliver_mail, link_in
from tests.accounts.personas import PASSWORD
from tests.e2e.axe import assert_accessible
from tests.e2e.support import open_menu, overflow_on_phone, sign_in_with_browser, submit
from tests.rights.helpers import code_in, run_rights_jobs

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

ADA = "ada@example.com"  # the customer persona's address on record
AGENT = "agnes@agents.example"
# The smallest file the permission check takes for a PDF: it reads the first bytes.
DOWNLOAD_MS = 30_000
PERMISSION_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def looks_right(page, where: str) -> None:
    """No axe violation, nothing wider than the phone."""
    assert_accessible(page, where)
    assert overflow_on_phone(page) == [], where


def password_typed_long_ago(page) -> None:
    """Minutes pass after signing in: the next sensitive step asks for the password again."""
    engine = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"])
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = engine.SessionStore(session_key=key)
    session[REAUTH_AT] = time.time() - REAUTH_SECONDS - 60
    session.save()


def download(page, name: str) -> bytes:
    """The file a link gives; a PDF's first rendering (WeasyPrint) may take seconds."""
    with page.expect_download(timeout=DOWNLOAD_MS) as started:
        page.get_by_role("link", name=name).click(timeout=DOWNLOAD_MS)
    return Path(started.value.path()).read_bytes()


def test_a_customer_asks_for_a_copy_and_downloads_the_zip_and_the_pdf(page, customer):
    sign_in_with_browser(page, "ada", PASSWORD)
    password_typed_long_ago(page)
    open_menu(page)
    page.get_by_role("link", name="Your privacy", exact=True).click()
    page.wait_for_url(f"**{reverse('rights:privacy')}")
    current = page.locator("nav [aria-current=page]")
    assert current.inner_text() == "Your privacy"
    looks_right(page, "your privacy")

    page.get_by_role("link", name="Get a copy of my data").click()
    page.wait_for_url(f"**{reverse('accounts:reauth')}*")
    looks_right(page, "password again")
    page.get_by_label("Your password", exact=True).fill(PASSWORD)
    submit(page)
    page.wait_for_url(f"**{reverse('rights:new_request')}*")
    assert page.get_by_label("What would you like?").input_value() == "access"
    assert page.locator("nav [aria-current=page]").inner_text() == "Your privacy"
    looks_right(page, "new request")
    submit(page, "Send the request")

    made = RightsRequest.objects.get()
    page.wait_for_url(f"**{reverse('rights:request', args=[made.pk])}")
    assert made.status == Status.IN_PROGRESS
    assert "In progress" in page.locator("main").inner_text()
    looks_right(page, "request in progress")

    assert run_rights_jobs() == 1
    page.reload()
    assert "Completed" in page.locator("main").inner_text()
    looks_right(page, "request completed")
    with zipfile.ZipFile(io.BytesIO(download(page, "Download the ZIP (CSV files)"))) as archive:
        assert "export.json" in archive.namelist()
    assert download(page, "Download the PDF").startswith(b"%PDF")


def test_a_person_without_a_login_asks_and_confirms_with_the_code(page, customer, smtp_server):
    page.goto(reverse("rights:public_request"))
    looks_right(page, "public form")
    page.get_by_label("The person's full name", exact=True).fill("Ada Lovelace")
    page.get_by_label("The person's e-mail address", exact=True).fill(ADA)
    page.get_by_label("What would you like?").select_option("access")
    submit(page, "Send the request")

    made = RightsRequest.objects.get()
    page.wait_for_url(f"**{reverse('rights:public_verify', args=[made.pk])}")
    looks_right(page, "public verify")
    deliver_mail()
    page.get_by_label("Code", exact=True).fill(code_in(smtp_server.wait_for(ADA)))
    submit(page, "Confirm")
    page.wait_for_load_state()

    assert "The request is confirmed" in page.locator("main .notice").inner_text()
    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS
    looks_right(page, "public verify, confirmed")


def test_an_agent_asks_with_a_permission_and_hears_only_after_the_person_confirms(
    page, browser, live_server, customer, smtp_server, settings
):
    settings.CLIENTVAULT_SITE_URL = live_server.url
    page.goto(reverse("rights:public_request"))
    page.get_by_label("The person's full name", exact=True).fill("Ada Lovelace")
    page.get_by_label("The person's e-mail address", exact=True).fill(ADA)
    page.get_by_label("What would you like?").select_option("access")
    page.get_by_label("I am an authorised agent asking on this person's behalf").check()
    page.get_by_label("Your name (agent)").fill("Agnes Agent")
    page.get_by_label("Your e-mail address (agent)").fill(AGENT)
    page.get_by_label("The person's signed permission").set_input_files(
        files=[{"name": "permission.pdf", "mimeType": "application/pdf", "buffer": PERMISSION_PDF}]
    )
    looks_right(page, "public form, agent")
    submit(page, "Send the request")

    made = RightsRequest.objects.get()
    page.wait_for_url(f"**{reverse('rights:public_verify', args=[made.pk])}")
    assert made.is_agent
    assert AgentPermission.objects.get(request=made).content_type == "application/pdf"
    deliver_mail()
    assert smtp_server.to(AGENT) == [], "the agent heard something before the person confirmed"
    code_mail = smtp_server.wait_for(ADA)

    person = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    try:
        person.set_default_timeout(5_000)
        confirming = person.new_page()
        confirming.goto(link_in(code_mail))
        confirming.get_by_label("Code", exact=True).fill(code_in(code_mail))
        submit(confirming, "Confirm")
        confirming.wait_for_load_state()
        assert "The request is confirmed" in confirming.locator("main .notice").inner_text()
        looks_right(confirming, "verify page, the person")
    finally:
        person.close()

    assert run_rights_jobs() == 1
    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    ready = next(m for m in smtp_server.to(AGENT) if "/privacy/exports/" in body(m))
    page.goto(link_in(ready))
    looks_right(page, "export link")
    assert download(page, "Download the ZIP (CSV files)").startswith(b"PK")
