"""The demo's legal register and breach response, as the issue's "done when" lists them: a
complied subpoena with its disclosures, a deferred notice, a preservation hold, a refused
demand, a published transparency report and a closed incident with its notices, which Carol
reads in her customer area."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import Person
from clientvault.incidents.models import Channel, Incident, Notice
from clientvault.incidents.models import Status as IncidentStatus
from clientvault.legal.models import Demand, DemandType, Status, TransparencyReport
from clientvault.privacy.models import Disclosure, Hold
from clientvault.privacy.services.holds import active_holds
from tests.accounts.personas import sign_in

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def loaded(settings, tmp_path):
    settings.DEBUG = True
    settings.TEST_GATEWAY_STATE = tmp_path / "testgateway.sqlite3"
    call_command("demo", stdout=StringIO())


def test_the_register_holds_each_kind_of_case(loaded):
    subpoena = Demand.objects.get(demand_type=DemandType.SUBPOENA)
    assert subpoena.status == Status.FULLY_COMPLIED
    assert Disclosure.objects.filter(reference__contains=subpoena.reference).exists()
    assert Demand.objects.filter(status=Status.REFUSED).exists()
    assert Disclosure.objects.filter(notice_deferred_until__gt=timezone.localdate()).exists()
    preservation = Demand.objects.get(demand_type=DemandType.PRESERVATION)
    held = Hold.objects.filter(reference=preservation.reference)
    assert active_holds(subject_ids=held.values_list("subject_id", flat=True))
    assert TransparencyReport.objects.filter(published_at__isnull=False).exists()


def test_the_closed_incident_told_each_person_by_every_channel(loaded):
    incident = Incident.objects.get()
    assert incident.status == IncidentStatus.CLOSED
    channels = set(Notice.objects.filter(incident=incident).values_list("channel", flat=True))
    assert channels == {Channel.EMAIL, Channel.LETTER, Channel.TELEPHONE}


def test_carol_reads_her_breach_notice_and_who_received_her_data(loaded, client):
    carol = Person.objects.get(user__username="carol")
    sign_in(client, carol.user)
    notices = client.get(reverse("incidents:security_notices")).content.decode()
    assert Incident.objects.get().title in notices
    privacy = client.get(reverse("rights:privacy")).content.decode()
    assert "Legal authority" in privacy or "legal authority" in privacy.lower()


def test_the_logins_list_the_register_and_the_incident(loaded):
    out = StringIO()
    call_command("demo", "--logins", stdout=out)
    printed = out.getvalue()
    assert "Legal demands (" in printed
    assert "Incident IN-" in printed
