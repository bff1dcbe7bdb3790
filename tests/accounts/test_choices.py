"""The "Your choices" page (CTL-4, SHR-3): the signed-in person's own choices, as they stand with
their date and as they were, changed at any time through the consent ledger."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from clientvault.privacy.models import AuditEvent, ConsentRecord
from clientvault.privacy.services.consent import current_consent, grant_consent
from tests.accounts import personas
from tests.accounts.test_choices_service import partners_opt_out  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate = personas.customer, personas.teammate
CHOICES = reverse("accounts:choices")


def client_of(person) -> Client:
    return personas.sign_in(Client(), person.user)


def test_it_shows_each_choice_as_it_stands_with_its_date(customer):
    page = client_of(customer).get(CHOICES).content.decode()
    assert "News and offers by e-mail</dt>" in page
    assert 'No <span class="muted">(our default: you have not chosen yet)</span>' in page
    assert "Never: we do not share your data with partners" in page
    assert 'name="partner_sharing"' not in page  # nothing to choose under this profile
    record = grant_consent(subject=customer.subject, purpose="marketing", source="form", actor=None)
    page = client_of(customer).get(CHOICES).content.decode()
    assert f'Yes, since <time datetime="{record.at.isoformat()}' in page
    assert re.search(r'<input type="checkbox" name="marketing"[^>]* checked>', page)


def test_withdrawing_marketing_is_recorded_from_the_form_then_shown(customer):
    grant_consent(subject=customer.subject, purpose="marketing", source="form", actor=None)
    client = client_of(customer)
    response = client.post(CHOICES, {})  # the box left unticked
    assert response.status_code == 302
    assert response.url == CHOICES
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Saved: news and offers by e-mail."
    ]
    assert not current_consent(subject=customer.subject, purpose="marketing")
    newest = ConsentRecord.objects.filter(subject=customer.subject).first()
    assert (newest.granted, newest.source, newest.actor_id) == (
        False,
        "form",
        f"user:{customer.user.pk}",
    )
    assert AuditEvent.objects.filter(action="consent.refused", subject_id=customer.subject_id)
    history = client.get(CHOICES).content.decode()
    assert history.count('<td data-label="How">Form</td>') == 2  # the grant and the refusal


def test_saving_without_a_change_records_nothing_and_says_so(customer):
    response = client_of(customer).post(CHOICES, {})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Nothing changed: your choices are as they were."
    ]
    assert not ConsentRecord.objects.exists()


def test_partner_sharing_is_offered_where_the_profile_offers_it(customer, partners_opt_out):  # noqa: F811
    client = client_of(customer)
    page = client.get(CHOICES).content.decode()
    assert 'name="partner_sharing"' in page
    assert "Partners receive your name, e-mail address" in page
    client.post(CHOICES, {"marketing": "on"})  # partner sharing unticked: refused
    assert not current_consent(subject=customer.subject, purpose="partner_sharing")
    assert current_consent(subject=customer.subject, purpose="marketing")


def test_a_posted_partner_choice_is_ignored_where_the_profile_never_shares(customer):
    client_of(customer).post(CHOICES, {"marketing": "on", "partner_sharing": "on"})
    assert not ConsentRecord.objects.filter(purpose="partner_sharing").exists()


def test_a_teammate_changes_only_their_own_choices(customer, teammate):
    grant_consent(subject=customer.subject, purpose="marketing", source="form", actor=None)
    client_of(teammate).post(CHOICES, {"marketing": "on"})
    client_of(teammate).post(CHOICES, {})
    assert current_consent(subject=customer.subject, purpose="marketing")
    assert ConsentRecord.objects.filter(subject=customer.subject).count() == 1
    assert ConsentRecord.objects.filter(subject=teammate.subject).count() == 2
    assert "Yes, since" not in client_of(teammate).get(CHOICES).content.decode()


def test_the_menu_and_the_dashboard_lead_to_it(customer):
    dashboard = client_of(customer).get(reverse("accounts:dashboard")).content.decode()
    assert dashboard.count(f'href="{CHOICES}"') == 2
