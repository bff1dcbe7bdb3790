"""A domain contact who is no customer uses the public rights form: their code goes to the
address on record here, their copy holds their contact data, and erasing the registrant of an
active domain waits, saying why, until the account names another registrant."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.hosting.models import Domain, DomainContact
from clientvault.hosting.services.contacts import add_contact, assign_contacts
from clientvault.messaging.models import Message
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import Subject
from clientvault.privacy.reveal import reveal
from clientvault.rights.models import RightsRequest, Status
from clientvault.rights.services.work import resume_stalled_requests
from tests.accounts import mailutil
from tests.accounts.mailutil import deliver_mail
from tests.hosting.support import order_hosting, pay, run_calls
from tests.hosting.test_contacts import GRACE
from tests.rights.helpers import code_in, run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

smtp_server = mailutil.smtp_server
FORM = reverse("rights:public_request")


@pytest.fixture
def domain(customer, catalogue, servers, billing_staff) -> Domain:
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    return order.domains.get()


@pytest.fixture
def grace(domain, customer) -> DomainContact:
    """Grace, an outside technical contact of Ada's domain."""
    contact = add_contact(customer=customer.customer, data=GRACE, actor=customer.user)
    assign_contacts(domain=domain, roles={"tech": contact}, actor=customer.user)
    run_calls()
    return contact


def ask_as_grace(smtp_server, kind: str) -> RightsRequest:
    Client().post(FORM, {"name": "Grace Hopper", "email": "grace@tech.example", "kind": kind})
    made = RightsRequest.objects.get(kind=kind)
    deliver_mail()
    message = smtp_server.wait_for("grace@tech.example")
    verify = reverse("rights:public_verify", args=[made.pk])
    Client().post(verify, {"code": code_in(message)})
    made.refresh_from_db()
    return made


def notices(kind: str) -> list[str]:
    deliver_mail()
    return [reveal(m, "body", "notices", SYSTEM) for m in Message.objects.filter(kind=kind)]


def test_the_public_form_finds_an_outside_contact_and_mails_only_them(grace, smtp_server):
    made = ask_as_grace(smtp_server, "access")
    assert made.subject_id == grace.subject_id
    assert made.status == Status.IN_PROGRESS
    run_rights_jobs()
    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    about_it = [m for m in smtp_server.messages if made.reference in mailutil.body(m)]
    assert about_it
    assert {str(m["To"]) for m in about_it} == {"grace@tech.example"}


def test_the_contact_copy_holds_the_domain_contact_data(grace, smtp_server):
    from clientvault.privacy.services.export import export_subject

    data = export_subject(subject_id=grace.subject_id, actor=SYSTEM)
    text = str(data)
    assert "Grace Hopper" in text
    assert "grace@tech.example" in text


def test_an_outside_contact_who_is_no_registrant_is_erased(grace, smtp_server):
    made = ask_as_grace(smtp_server, "erasure")
    run_rights_jobs()
    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    assert Subject.objects.get(pk=grace.subject_id).is_erased
    grace.refresh_from_db()
    assert str(grace.email) != "grace@tech.example"


def test_erasing_an_active_domain_registrant_waits_and_says_why(
    grace, domain, customer, smtp_server
):
    assign_contacts(domain=domain, roles={"registrant": grace}, actor=customer.user)
    made = ask_as_grace(smtp_server, "erasure")
    run_rights_jobs()
    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS
    assert made.outcome == {"paused": "blocked"}
    (told,) = notices("rights.refused")
    assert "the domain registry needs a registrant while the domain exists" in told
    assert "ada-site.com" in told
    assert not Subject.objects.get(pk=grace.subject_id).is_erased

    assign_contacts(domain=domain, roles={"registrant": domain.admin}, actor=customer.user)
    resume_stalled_requests.call()
    run_rights_jobs()
    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    assert Subject.objects.get(pk=grace.subject_id).is_erased
