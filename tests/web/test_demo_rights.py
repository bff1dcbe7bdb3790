"""``clientvault demo``'s privacy requests: pending, overdue, completed and by an agent, once."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from clientvault.accounts.models import Person
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.rights.models import AgentPermission, Export, RightsRequest, Status
from clientvault.rights.queries import live_export
from clientvault.web.demo_rights import OVERDUE_DAYS

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(settings):
    settings.DEBUG = True
    demo()


def requests_of(username: str):
    person = Person.objects.get(user__username=username)
    return RightsRequest.objects.filter(subject_id=person.subject_id)


def test_carol_has_a_completed_copy_and_an_erasure_awaiting_her_code(loaded):
    copy = requests_of("carol").get(kind="access")
    assert copy.status == Status.COMPLETED
    assert live_export(copy) is not None
    erasure = requests_of("carol").get(kind="erasure")
    assert erasure.status == Status.AWAITING_VERIFICATION
    assert erasure.codes.count() == 1


def test_omars_correction_is_verified_and_overdue(loaded):
    made = requests_of("orbit.owner").get()
    assert (made.kind, made.status, made.verification) == ("correction", "verified", "password")
    assert timezone.localdate() - timezone.localdate(made.received_at) == datetime.timedelta(
        days=OVERDUE_DAYS
    )
    assert made.deadline < timezone.localdate()
    first = min(e.at for e in made.events.all())
    assert first - made.received_at < datetime.timedelta(seconds=5)


def test_an_agent_asked_for_kais_copy_with_a_pdf_permission(loaded):
    made = RightsRequest.objects.get(is_agent=True)
    assert made.status == Status.AWAITING_VERIFICATION
    assert made.subject_id == find_person_by_email("kai.mueller@example.de").subject_id
    permission = AgentPermission.objects.get(request=made)
    assert permission.content_type == "application/pdf"


def test_running_it_again_adds_no_request(loaded):
    before = list(RightsRequest.objects.values_list("pk", "status").order_by("pk"))
    exports = Export.objects.count()
    demo()
    assert list(RightsRequest.objects.values_list("pk", "status").order_by("pk")) == before
    assert Export.objects.count() == exports == 1


def test_the_logins_list_the_requests(loaded):
    printed = demo("--logins")
    for made in RightsRequest.objects.exclude(subject=None):
        assert made.reference in printed
    assert "overdue" in printed


def test_the_overdue_request_was_verified_after_it_was_received(loaded):
    made = requests_of("orbit.owner").get()
    assert made.received_at <= made.verified_at < made.received_at + datetime.timedelta(minutes=5)
