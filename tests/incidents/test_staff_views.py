# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The back office's incident pages: who may open them, and each action through them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.services.tokens import create_api_token
from clientvault.incidents.models import Channel, Incident, Notice, NoticeStatus, Status
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    make_staff,
    staff,
    staff_client,
)
from tests.incidents.helpers import compromised, scoped

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
LIST = reverse("incidents:staff_incidents")
NEW = reverse("incidents:staff_new")


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def officer(staff_client):
    return staff_client("privacy_officer")


def new_incident(client, **changes):
    now = timezone.now()
    data = {
        "title": "Laptop stolen",
        "description": "A laptop with an export was stolen.",
        "started_at": local(now - dt.timedelta(hours=5)),
        "discovered_at": local(now - dt.timedelta(hours=1)),
        "systems": "laptops, exports",
        **changes,
    }
    return client.post(NEW, data)


@pytest.mark.parametrize("role", ["privacy_officer", "legal", "administrator"])
def test_the_roles_handling_security_open_the_list(staff_client, role):
    assert staff_client(role).get(LIST).status_code == 200


@pytest.mark.parametrize("role", ["billing", "marketing"])
def test_other_roles_are_refused(staff_client, role):
    assert staff_client(role).get(LIST).status_code == 403


def test_a_customer_gets_404(customer_client):
    assert customer_client.get(LIST).status_code == 404


def test_staff_record_an_incident(officer):
    response = new_incident(officer)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("incidents:staff_incident", args=[incident.pk])
    assert incident.systems == ["laptops", "exports"]
    page = officer.get(response.url).content.decode()
    assert "left</strong>, no decision recorded" in page
    assert AuditEvent.objects.filter(action="incident.viewed").exists()


def test_a_start_after_discovery_is_refused_on_the_field(officer):
    now = timezone.now()
    response = new_incident(
        officer, started_at=local(now), discovered_at=local(now - dt.timedelta(hours=2))
    )
    assert response.status_code == 200
    assert "Started: an incident cannot start after it was discovered." in response.content.decode()
    assert not Incident.objects.exists()


def test_scope_decide_and_notify_through_the_page(officer, customer):
    new_incident(officer)
    incident = Incident.objects.get()
    compromised([customer])
    url = reverse("incidents:staff_scope", args=[incident.pk])
    since = local(timezone.now() - dt.timedelta(hours=1))
    bad = officer.post(
        url,
        {"kind": "window", "since": since, "until": local(timezone.now() - dt.timedelta(hours=3))},
    )
    assert bad.status_code == 400
    assert "Until: the window must end after it starts." in bad.content.decode()

    assert (
        officer.post(url, {"kind": "login", "login": "mallory", "since": since}).status_code == 302
    )
    decide = reverse("incidents:staff_decide", args=[incident.pk])
    assert officer.post(decide, {"decision": "notify", "reason": ""}).status_code == 400
    assert officer.post(decide, {"decision": "notify", "reason": "Risk."}).status_code == 302
    notify = reverse("incidents:staff_notify", args=[incident.pk])
    for channel in ("email", "letter", "telephone"):
        officer.post(notify, {"channel": channel})
    incident.refresh_from_db()
    assert incident.status == Status.NOTIFYING
    assert incident.decision == "notify"
    assert Notice.objects.count() == 3
    page = officer.get(reverse("incidents:staff_incident", args=[incident.pk])).content.decode()
    assert customer.subject.reference in page


def test_the_draft_downloads_as_text(officer, customer):
    incident = scoped(make_staff("legal", username="handler"), compromised([customer]))
    url = reverse("incidents:staff_draft", args=[incident.pk])
    assert "Art. 33(3)(a)" in officer.get(url).content.decode()
    download = officer.get(url + "?download=1")
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]


def test_the_letters_download_as_one_pdf_and_are_logged(officer, customer):
    incident = scoped(make_staff("legal", username="handler"), compromised([customer]))
    officer.post(reverse("incidents:staff_notify", args=[incident.pk]), {"channel": "letter"})
    response = officer.get(reverse("incidents:staff_letters", args=[incident.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="access.view", subject_id=customer.subject_id, details__what="incidents.letter"
    ).exists()
    notice = Notice.objects.get(channel=Channel.LETTER)
    one = officer.get(reverse("incidents:staff_letter", args=[incident.pk, notice.pk]))
    assert one["Content-Type"] == "application/pdf"


def test_the_call_list_shows_the_script_and_records_outcomes(officer, customer):
    incident = scoped(make_staff("legal", username="handler"), compromised([customer]))
    officer.post(reverse("incidents:staff_notify", args=[incident.pk]), {"channel": "telephone"})
    page = officer.get(reverse("incidents:staff_calls", args=[incident.pk])).content.decode()
    assert "+442079460018" in page
    assert "What happened" in page
    notice = Notice.objects.get(channel=Channel.TELEPHONE)
    url = reverse("incidents:staff_call", args=[incident.pk, notice.pk])
    officer.post(url, {f"{notice.pk}-outcome": "reached", f"{notice.pk}-note": ""})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    assert notice.outcome == "reached"


def test_a_token_unused_in_the_window_is_refused_on_the_form(officer):
    new_incident(officer)
    incident = Incident.objects.get()
    token, _ = create_api_token(user=make_staff("support", username="robot"), name="script")
    url = reverse("incidents:staff_scope", args=[incident.pk])
    until = timezone.now() - dt.timedelta(hours=1)
    since = until - dt.timedelta(hours=2)
    data = {"kind": "token", "token": token.prefix, "since": local(since), "until": local(until)}
    response = officer.post(url, data)
    assert response.status_code == 400
    assert "Token: it did not exist during this window" in response.content.decode()
    assert not incident.scopes.exists()


def test_closing_without_a_decision_is_refused_on_the_page(officer, customer):
    incident = scoped(make_staff("legal", username="handler"), compromised([customer]))
    url = reverse("incidents:staff_close", args=[incident.pk])
    page = officer.post(url, follow=True).content.decode()
    assert "Record the decision about notifying the regulator (and why) before closing" in page
    incident.refresh_from_db()
    assert incident.status == Status.SCOPED


def test_the_page_shows_earlier_decisions(officer, customer):
    incident = scoped(make_staff("legal", username="handler"), compromised([customer]))
    decide = reverse("incidents:staff_decide", args=[incident.pk])
    officer.post(decide, {"decision": "not_notify", "reason": "Only staff saw it."})
    officer.post(decide, {"decision": "notify", "reason": "Phone numbers were copied."})
    page = officer.get(reverse("incidents:staff_incident", args=[incident.pk])).content.decode()
    assert "Earlier decisions" in page
    assert "Only staff saw it." in page
    assert "Phone numbers were copied." in page


def test_a_discovery_in_the_future_is_a_field_error(officer):
    later = local(timezone.now() + dt.timedelta(days=1))
    response = new_incident(officer, discovered_at=later)
    assert "Discovered: an incident cannot be discovered in the future." in (
        response.content.decode()
    )
    assert not Incident.objects.exists()


def test_the_incident_page_links_each_printed_letter(officer, customer):
    incident = scoped(make_staff("legal", username="handler"), compromised([customer]))
    page_url = reverse("incidents:staff_incident", args=[incident.pk])
    assert "Print this letter again" not in officer.get(page_url).content.decode()
    officer.post(reverse("incidents:staff_notify", args=[incident.pk]), {"channel": "letter"})
    notice = Notice.objects.get(channel=Channel.LETTER)
    letter = reverse("incidents:staff_letter", args=[incident.pk, notice.pk])
    page = officer.get(page_url).content.decode()
    assert f'href="{letter}"' in page
    assert officer.get(letter)["Content-Type"] == "application/pdf"


def test_a_closed_incidents_decision_is_refused_on_the_page(officer, customer):
    incident = scoped(make_staff("legal", username="handler"), compromised([customer]))
    decide = reverse("incidents:staff_decide", args=[incident.pk])
    officer.post(decide, {"decision": "not_notify", "reason": "Only staff saw it."})
    officer.post(reverse("incidents:staff_close", args=[incident.pk]))
    response = officer.post(decide, {"decision": "notify", "reason": "Later."})
    assert response.status_code == 400
    assert "the incident is closed; its decision can no longer change" in (
        response.content.decode()
    )
    incident.refresh_from_db()
    assert (incident.status, incident.decision) == (Status.CLOSED, "not_notify")
