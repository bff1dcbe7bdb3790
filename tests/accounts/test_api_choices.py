"""GET, PATCH and PUT /api/v1/choices: the token's person's own choices, changed through the
consent ledger with the source ``api``."""

import pytest

from clientvault.privacy.models import AuditEvent, ConsentRecord
from clientvault.privacy.services.consent import current_consent, grant_consent
from tests.accounts.personas import customer, staff, teammate  # noqa: F401
from tests.accounts.test_api_profile import _auth
from tests.accounts.test_choices_service import partners_opt_out  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CHOICES = "/api/v1/choices"


def _send(client, method, person, body):
    return getattr(client, method)(CHOICES, body, content_type="application/json", **_auth(person))


def test_it_shows_each_choice_with_its_date_or_the_default(client, customer):  # noqa: F811
    assert client.get(CHOICES, **_auth(customer)).json() == {
        "marketing": {"granted": False, "since": None, "source": None},
        "reseller_newsletter": None,  # not a reseller's account
        "partner_sharing": None,  # this profile never shares with partners
    }
    record = grant_consent(subject=customer.subject, purpose="marketing", source="form", actor=None)
    marketing = client.get(CHOICES, **_auth(customer)).json()["marketing"]
    assert (marketing["granted"], marketing["source"]) == (True, "form")
    assert marketing["since"].startswith(record.at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_patch_withdraws_marketing_recording_the_api_as_source(client, customer):  # noqa: F811
    grant_consent(subject=customer.subject, purpose="marketing", source="form", actor=None)
    response = _send(client, "patch", customer, {"marketing": False})
    assert response.status_code == 200
    assert response.json()["marketing"]["granted"] is False
    assert response.json()["marketing"]["source"] == "api"
    newest = ConsentRecord.objects.filter(subject=customer.subject).first()
    assert (newest.granted, newest.source) == (False, "api")
    assert AuditEvent.objects.filter(action="consent.refused", details={"source": "api"})
    assert _send(client, "patch", customer, {}).status_code == 200  # nothing sent, nothing changed
    assert ConsentRecord.objects.filter(subject=customer.subject).count() == 2


def test_put_sets_every_choice(client, customer, partners_opt_out):  # noqa: F811
    response = _send(client, "put", customer, {"marketing": False, "partner_sharing": False})
    assert response.status_code == 200
    body = response.json()
    assert (body["marketing"]["granted"], body["partner_sharing"]["granted"]) == (False, False)
    assert not current_consent(subject=customer.subject, purpose="partner_sharing")


def test_put_needs_partner_sharing_where_it_is_offered(client, customer, partners_opt_out):  # noqa: F811
    response = _send(client, "put", customer, {"marketing": True})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["partner_sharing"]
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize("method", ["patch", "put"])
def test_partner_sharing_is_refused_by_name_where_never_offered(client, customer, method):  # noqa: F811
    response = _send(client, method, customer, {"marketing": True, "partner_sharing": True})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "field": "partner_sharing",
            "message": "We do not share your data with partners, so there is nothing to choose "
            "here.",
        }
    ]
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize("sent", ["yes", 1, "true", None])
def test_a_choice_is_true_or_false_nothing_else(client, customer, sent):  # noqa: F811
    response = _send(client, "put", customer, {"marketing": sent})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "marketing"


def test_a_teammates_token_changes_only_their_own_choices(client, customer, teammate):  # noqa: F811
    grant_consent(subject=customer.subject, purpose="marketing", source="form", actor=None)
    _send(client, "patch", teammate, {"marketing": True})
    _send(client, "patch", teammate, {"marketing": False})
    assert current_consent(subject=customer.subject, purpose="marketing")
    assert ConsentRecord.objects.filter(subject=teammate.subject).count() == 2


def test_a_staff_token_has_no_choices_here(client, staff):  # noqa: F811
    user = staff("support")
    assert client.get(CHOICES, **_auth(user)).status_code == 404
    assert _send(client, "patch", user, {"marketing": True}).status_code == 404
