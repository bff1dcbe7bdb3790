# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The account's flows entered from a ticket (CTL-1/2/3/6): each recorded on the ticket (a
history event, an internal note naming the action, an audit event); a reset link only to the
e-mail address on record; a data request passed to the rights app."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import Channel, StaffRole
from clientvault.accounts.views.staff import CHANNEL_KEY
from clientvault.privacy.models import AuditEvent
from clientvault.rights.models import Channel as RequestChannel
from clientvault.rights.models import RightsRequest
from clientvault.support.models import Ticket, TicketEvent, TicketMessage
from clientvault.support.services.tickets import close_ticket
from tests.accounts.personas import customer, outsider, staff, staff_client  # noqa: F401
from tests.support.staff_fixtures import a_ticket, queued_mail
from tests.support.tickets import text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def act(client, ticket: Ticket, action: str, person, follow: bool = True, **extra):
    url = reverse("support:staff_ticket_action", args=[ticket.number])
    data = {"action": action, "person": str(person.pk), **extra}
    return client.post(url, data, follow=follow)


def recorded(ticket: Ticket) -> list[str]:
    return list(ticket.events.filter(kind=TicketEvent.Kind.ACTION).values_list("new", flat=True))


def notes(ticket: Ticket) -> list[str]:
    field = TicketMessage._meta.get_field("body")
    return [field.open(m) for m in ticket.messages.filter(internal=True)]  # type: ignore[attr-defined]


def test_a_reset_link_goes_only_to_the_email_on_record(customer, staff, staff_client):
    ticket = a_ticket(customer)
    response = act(
        staff_client(StaffRole.SUPPORT),
        ticket,
        "password_reset",
        customer,
        email="attacker@example.net",
    )
    assert "A password reset link was sent to the e-mail address on record" in text(response)
    assert [m["to"] for m in queued_mail()] == ["ada@example.com"]
    assert recorded(ticket) == ["password_reset"]
    assert notes(ticket) == [
        "Action from this ticket: password reset link sent to the e-mail address on record, "
        "for the account owner."
    ]
    audit = AuditEvent.objects.get(action="support.ticket_action")
    assert audit.details == {"ticket": ticket.number, "action": "password_reset"}
    assert audit.subject_id == customer.subject_id
    assert audit.actor_id == f"user:{staff(StaffRole.SUPPORT).pk}"


def test_a_data_request_is_passed_to_the_rights_app(customer, staff_client):
    ticket = a_ticket(customer)
    response = act(staff_client(StaffRole.SUPPORT), ticket, "rights_erasure", customer)
    made = RightsRequest.objects.get()
    assert (made.kind, made.channel, made.subject_id) == (
        "erasure",
        RequestChannel.TICKET,
        customer.subject_id,
    )
    assert f"Request {made.reference} for an erasure was recorded" in text(response)
    assert recorded(ticket) == ["rights_erasure"]
    assert notes(ticket) == [
        "Action from this ticket: request to erase the data recorded, for the account owner "
        f"(request {made.reference})."
    ]


def test_the_legal_team_passes_a_request_made_in_a_privacy_ticket(customer, staff_client):
    ticket = a_ticket(customer, department="privacy")
    act(staff_client(StaffRole.LEGAL), ticket, "rights_access", customer)
    assert RightsRequest.objects.get().kind == "access"


def test_an_identity_check_goes_on_in_its_page_on_the_ticket(customer, staff_client):
    ticket = a_ticket(customer)
    client = staff_client(StaffRole.SUPPORT)
    response = act(client, ticket, "identity_check", customer, follow=False)
    assert response.url == reverse("accounts:staff_identity_check", args=[customer.pk])
    assert client.session[CHANNEL_KEY] == Channel.TICKET
    assert "Support ticket" in text(client.get(response.url))
    assert recorded(ticket) == ["identity_check"]


def test_a_change_of_details_asks_for_the_identity_check_first(customer, staff_client):
    ticket = a_ticket(customer)
    client = staff_client(StaffRole.SUPPORT)
    response = act(client, ticket, "details_change", customer, follow=False)
    assert response.url == reverse("accounts:staff_intake_update", args=[customer.pk])
    followed = client.get(response.url)
    assert followed.url == reverse("accounts:staff_identity_check", args=[customer.pk])
    assert recorded(ticket) == ["details_change"]


def test_a_domain_contact_change_needs_the_service_purpose(customer, staff_client):
    ticket = a_ticket(customer)
    refused = act(staff_client(StaffRole.BILLING), ticket, "domain_contact", customer)
    assert refused.status_code == 403
    assert recorded(ticket) == []
    client = staff_client(StaffRole.ADMINISTRATOR)
    response = act(client, ticket, "domain_contact", customer, follow=False)
    assert response.url == reverse("hosting:staff_customer", args=[customer.customer.number])
    assert client.session[CHANNEL_KEY] == Channel.TICKET
    assert recorded(ticket) == ["domain_contact"]


def test_account_flows_need_the_support_purpose(customer, staff_client):
    ticket = a_ticket(customer, department="privacy")
    response = act(staff_client(StaffRole.LEGAL), ticket, "password_reset", customer)
    assert response.status_code == 403
    assert queued_mail() == []
    assert recorded(ticket) == []


def test_a_closed_ticket_takes_no_action(customer, staff_client):
    ticket = a_ticket(customer)
    close_ticket(ticket=ticket, actor=customer.user)
    response = act(staff_client(StaffRole.SUPPORT), ticket, "rights_access", customer)
    assert f"Ticket {ticket.number} is closed: it takes no more actions." in text(response)
    assert not RightsRequest.objects.exists()
    assert recorded(ticket) == []


def test_a_person_of_another_account_is_refused(customer, outsider, staff_client):
    ticket = a_ticket(customer)
    response = act(staff_client(StaffRole.SUPPORT), ticket, "password_reset", outsider)
    assert "Choose an action for one of the account's people." in text(response)
    assert queued_mail() == []
    assert recorded(ticket) == []


def test_a_reset_for_someone_without_a_login_records_nothing(customer, staff_client):
    ticket = a_ticket(customer)
    customer.user.is_active = False
    customer.user.save()
    response = act(staff_client(StaffRole.SUPPORT), ticket, "password_reset", customer)
    assert "This person has no active login to reset." in text(response)
    assert recorded(ticket) == []
    assert notes(ticket) == []
