"""Objecting to marketing or partner sharing resolves through the consent ledger."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.privacy.models import ConsentRecord, ConsentSource
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from clientvault.privacy.services.consent import current_consent, grant_consent
from clientvault.privacy.taxonomy import Purpose
from clientvault.rights.models import RequestEvent, RightsRequest, Status
from clientvault.rights.services.work import fulfil_request
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import body
from tests.rights.helpers import confirmed_client, run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer
smtp_server = mailutil.smtp_server


@pytest.fixture
def partners_opt_out(settings):
    settings.CLIENTVAULT_POLICY = PRESETS_DIR / "partner-opt-out.toml"
    current_profile.cache_clear()


def object_to(customer, purpose: str) -> RightsRequest:
    response = confirmed_client(customer).post(
        reverse("rights:new_request"), {"kind": "objection", "purpose": purpose}
    )
    assert response.status_code == 302
    return RightsRequest.objects.get()


def completion_notices(smtp_server) -> list[str]:
    texts = [body(m) for m in smtp_server.to("ada@example.com")]
    return [t for t in texts if "is complete" in t]


@pytest.mark.parametrize(
    ("purpose", "profile"),
    [(Purpose.MARKETING, None), (Purpose.PARTNER_SHARING, "partners_opt_out")],
)
def test_an_objection_records_a_refusal_and_stops_the_purpose(
    request, customer, smtp_server, purpose, profile
):
    if profile:
        request.getfixturevalue(profile)
    subject = customer.subject
    if not current_consent(subject=subject, purpose=purpose):
        grant_consent(subject=subject, purpose=purpose, source=ConsentSource.FORM, actor=None)
    assert current_consent(subject=subject, purpose=purpose)
    made = object_to(customer, purpose)
    assert made.status == Status.IN_PROGRESS
    assert run_rights_jobs() == 1
    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    assert made.outcome == {"withdrawn": purpose}
    refusal = ConsentRecord.objects.filter(subject=subject, purpose=purpose).latest("at", "id")
    assert (refusal.granted, refusal.source, refusal.reference) == (
        False,
        ConsentSource.FORM,
        made.reference,
    )
    assert not current_consent(subject=subject, purpose=purpose)
    (notice,) = completion_notices(smtp_server)
    assert made.reference in notice
    assert f"no more {Purpose(purpose).label.lower()}" in notice


def test_the_completion_notice_goes_once_however_often_the_work_runs(customer, smtp_server):
    made = object_to(customer, Purpose.MARKETING)
    run_rights_jobs()
    fulfil_request.enqueue(request_id=str(made.pk))
    assert run_rights_jobs() == 1
    assert len(completion_notices(smtp_server)) == 1
    assert RequestEvent.objects.filter(request=made, step="completed").count() == 1
    refusals = ConsentRecord.objects.filter(subject=customer.subject, granted=False)
    assert refusals.count() == 1


def test_an_objection_must_say_what_to_stop(customer):
    response = confirmed_client(customer).post(reverse("rights:new_request"), {"kind": "objection"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["purpose"]
    assert "Choose what to stop" in response.content.decode()
    assert not RightsRequest.objects.exists()
