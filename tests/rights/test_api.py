"""``/api/v1/privacy/requests``: a person's own token asks, follows and downloads (RGT-1, RGT-2)."""

from __future__ import annotations

import pytest
from django.test import Client

from clientvault.accounts.models import Permission
from clientvault.accounts.services import create_api_token
from clientvault.privacy.models import Subject
from clientvault.rights.models import RightsRequest, Status
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import deliver_mail
from tests.rights.helpers import code_in, run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider, staff = (
    personas.customer,
    personas.teammate,
    personas.outsider,
    personas.staff,
)
smtp_server = mailutil.smtp_server
REQUESTS = "/api/v1/privacy/requests"


class Api:
    """A client sending the user's own API token."""

    def __init__(self, user) -> None:
        _, raw = create_api_token(user=user, name="rights-tests")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(self, path: str):
        return self.client.get(path)

    def post(self, path: str, data: dict):
        return self.client.post(path, data, content_type="application/json")


def test_access_through_the_api_verifies_with_the_token_and_exports(customer):
    api = Api(customer.user)
    created = api.post(REQUESTS, {"kind": "access"})
    assert created.status_code == 201
    made = created.json()
    assert (made["kind"], made["status"], made["verified"]) == ("access", "in_progress", True)
    assert made["export_ready"] is False
    assert RightsRequest.objects.get().verification == "api_token"
    here = f"{REQUESTS}/{made['id']}"
    early = api.get(f"{here}/export")
    assert early.status_code == 409
    assert early.json() == {"detail": "No copy of your data is ready for this request."}
    assert run_rights_jobs() == 1
    got = api.get(here).json()
    assert (got["status"], got["export_ready"]) == ("completed", True)
    assert [e["step"] for e in got["history"]][-1] == "completed"
    export = api.get(f"{here}/export")
    assert export.status_code == 200
    assert export.json()["subject"]["reference"] == customer.subject.reference
    listed = api.get(REQUESTS).json()
    assert [r["id"] for r in listed] == [made["id"]]


def test_erasure_through_the_api_needs_the_code(customer, smtp_server):
    api = Api(customer.user)
    made = api.post(REQUESTS, {"kind": "erasure"}).json()
    assert made["verified"] is False
    request = RightsRequest.objects.get()
    assert request.status == Status.AWAITING_VERIFICATION
    deliver_mail()
    code = code_in(smtp_server.wait_for("ada@example.com"))
    here = f"{REQUESTS}/{made['id']}"
    wrong = api.post(f"{here}/code", {"code": "00000000" if code != "00000000" else "1"})
    assert wrong.status_code == 422
    assert [d["field"] for d in wrong.json()["detail"]] == ["code"]
    right = api.post(f"{here}/code", {"code": code})
    assert right.status_code == 200
    assert right.json()["verified"] is True
    run_rights_jobs()
    assert api.get(here).status_code in (401, 404)  # the erased person's token is revoked
    request.refresh_from_db()
    assert request.status == Status.COMPLETED
    assert Subject.objects.get(pk=customer.subject_id).is_erased


def test_an_outsiders_token_gets_404_for_anothers_request(customer, outsider):
    made = Api(customer.user).post(REQUESTS, {"kind": "access"}).json()
    other = Api(outsider.user)
    for path in ("", "/export"):
        assert other.get(f"{REQUESTS}/{made['id']}{path}").status_code == 404
    assert other.post(f"{REQUESTS}/{made['id']}/code", {"code": "12345678"}).status_code == 404
    assert other.get(REQUESTS).json() == []


def test_a_teammate_asks_about_the_owner_only_with_the_privacy_permission(customer, teammate):
    refused = Api(teammate.user).post(
        REQUESTS, {"kind": "access", "person": str(customer.subject_id)}
    )
    assert refused.status_code == 422
    assert [d["field"] for d in refused.json()["detail"]] == ["person"]
    assert not RightsRequest.objects.exists()
    officer = personas.add_authorised_user(
        customer, username="hedy", email="hedy@example.com", permissions=[Permission.PRIVACY]
    )
    allowed = Api(officer.user).post(
        REQUESTS, {"kind": "access", "person": str(customer.subject_id)}
    )
    assert allowed.status_code == 201
    assert RightsRequest.objects.get().subject_id == customer.subject_id


def test_a_staff_token_finds_no_requests(customer, staff):
    made = Api(customer.user).post(REQUESTS, {"kind": "access"}).json()
    api = Api(staff("privacy_officer"))
    assert api.get(REQUESTS).status_code == 404
    assert api.get(f"{REQUESTS}/{made['id']}").status_code == 404
    assert api.post(REQUESTS, {"kind": "access"}).status_code == 404
    assert RightsRequest.objects.count() == 1


def test_bad_input_is_refused_naming_the_field(customer):
    api = Api(customer.user)
    unknown = api.post(REQUESTS, {"kind": "everything"})
    assert unknown.status_code == 422
    assert [d["field"] for d in unknown.json()["detail"]] == ["kind"]
    correction = api.post(REQUESTS, {"kind": "correction"})
    assert correction.status_code == 422
    assert [d["field"] for d in correction.json()["detail"]] == ["field"]
    assert not RightsRequest.objects.exists()
