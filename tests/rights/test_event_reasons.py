"""A step's reason (a refusal, an extension, how staff checked an identity) is kept with it."""

import pytest

from clientvault.rights.models import RequestEvent, Status, Verification
from clientvault.rights.services.progress import extend, refuse
from clientvault.rights.services.verification import mark_verified
from tests.accounts import personas
from tests.rights.helpers import a_rights_request

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, staff = personas.customer, personas.staff


def test_a_refusal_keeps_its_reason(customer, staff):
    made = refuse(request=a_rights_request(customer), actor=staff("privacy_officer"), reason="No.")
    assert made.status == Status.REFUSED
    assert str(RequestEvent.objects.get(request=made, step="refused").reason) == "No."


def test_an_extension_and_a_staff_check_keep_theirs(customer, staff):
    officer = staff("privacy_officer")
    made = extend(request=a_rights_request(customer), actor=officer, reason="Busy.")
    mark_verified(request=made, how=Verification.STAFF, actor=officer, reason="Called back.")
    reasons = {e.step: str(e.reason) for e in RequestEvent.objects.filter(request=made)}
    assert reasons["extended"] == "Busy."
    assert reasons["verified"] == "Called back."
