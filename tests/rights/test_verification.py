"""Verification codes, the declaration and the request's workflow (RGT-2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clientvault.privacy.profile import PRESETS_DIR, current_profile
from clientvault.rights.models import (
    TRANSITIONS,
    Kind,
    RequestEvent,
    RightsRequest,
    Scope,
    Status,
    VerificationCode,
)
from clientvault.rights.services.requests import TransitionRefused, move
from clientvault.rights.services.verification import (
    mark_verified,
    needs_code,
    send_code,
    verify_code,
    verify_signed_in,
)
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import deliver_mail
from tests.rights.helpers import a_rights_request, code_in, confirmed_client

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, staff = personas.customer, personas.staff
smtp_server = mailutil.smtp_server


@pytest.fixture
def declaration_required(settings, tmp_path):
    path = Path(tmp_path / "policy.toml")
    text = (PRESETS_DIR / "need-to-know.toml").read_text()
    path.write_text(text + "\n[rights]\ndeclaration_required = true\n")
    settings.CLIENTVAULT_POLICY = path
    current_profile.cache_clear()
    assert current_profile().rights.declaration_required


def a_code(made: RightsRequest, smtp_server) -> str:
    send_code(request=made)
    deliver_mail()
    return code_in(smtp_server.wait_for("ada@example.com"))


@pytest.mark.parametrize("closed", [Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN])
def test_a_closed_request_cannot_move_and_the_refusal_names_both_statuses(customer, closed):
    made = a_rights_request(customer)
    RightsRequest.objects.filter(pk=made.pk).update(status=closed)
    for to in (Status.IN_PROGRESS, Status.VERIFIED, Status.RECEIVED):
        with pytest.raises(TransitionRefused) as refused:
            move(request=made, to=to, actor=None)
        text = refused.value.messages[0]
        assert Status(closed).label.lower() in text
        assert Status(to).label.lower() in text
    made.refresh_from_db()
    assert made.status == closed


def test_every_move_follows_the_table(customer):
    for start, allowed in TRANSITIONS.items():
        for to in Status.values:
            if to == start:
                continue
            made = a_rights_request(customer)
            RightsRequest.objects.filter(pk=made.pk).update(status=start)
            made.status = start
            assert made.may_become(to) == (to in allowed)
            if to not in allowed:
                with pytest.raises(TransitionRefused):
                    move(request=made, to=to, actor=None)


def test_a_move_is_kept_in_the_history_with_its_reason(customer, staff):
    made = a_rights_request(customer)
    assert move(request=made, to=Status.REFUSED, actor=staff("privacy_officer"), reason="Dup")
    event = made.events.last()
    assert (event.step, event.reason) == (Status.REFUSED, "Dup")
    assert made.closed_at is not None


def test_a_second_move_to_the_same_status_does_nothing(customer):
    made = a_rights_request(customer)
    assert move(request=made, to=Status.WITHDRAWN, actor=None)
    assert not move(request=made, to=Status.WITHDRAWN, actor=None)
    assert RequestEvent.objects.filter(request=made, step=Status.WITHDRAWN).count() == 1


def test_only_the_digest_is_kept_and_a_code_works_once(customer, smtp_server):
    made = a_rights_request(customer, kind=Kind.ERASURE)
    code = a_code(made, smtp_server)
    kept = VerificationCode.objects.get(request=made)
    assert kept.digest != code
    assert code not in kept.digest
    assert len(kept.digest) == 64
    verify_code(request=made, code=code, actor=None)
    assert made.status == Status.IN_PROGRESS
    assert VerificationCode.objects.get(pk=kept.pk).used_at is not None
    with pytest.raises(ValidationError) as again:
        verify_code(request=made, code=code, actor=None)
    assert list(again.value.message_dict) == ["code"]


def test_a_new_code_replaces_the_old(customer, smtp_server):
    made = a_rights_request(customer, kind=Kind.ERASURE)
    send_code(request=made)
    send_code(request=made)
    codes = VerificationCode.objects.filter(request=made)
    assert codes.count() == 2
    assert codes.filter(superseded_at__isnull=True).count() == 1


def test_an_unknown_person_gets_no_code_and_cannot_be_verified(customer):
    made = a_rights_request(customer)
    RightsRequest.objects.filter(pk=made.pk).update(subject=None)
    made.subject_id = None
    assert send_code(request=made) is False
    assert not VerificationCode.objects.exists()
    with pytest.raises(ValidationError):
        mark_verified(request=made, how="code", actor=None)


def test_needs_code_for_an_erasure_and_the_whole_account(customer):
    assert not needs_code(RightsRequest(kind=Kind.ACCESS))
    assert not needs_code(RightsRequest(kind=Kind.CORRECTION))
    assert not needs_code(RightsRequest(kind=Kind.OBJECTION))
    assert needs_code(RightsRequest(kind=Kind.ERASURE))
    assert needs_code(RightsRequest(kind=Kind.ERASURE, scope=Scope.ACCOUNT))
    made = a_rights_request(customer, kind=Kind.ERASURE)
    with pytest.raises(ValidationError) as refused:
        verify_signed_in(request=made, actor=customer.user)
    assert list(refused.value.message_dict) == ["code"]
    assert made.status == Status.RECEIVED


def test_the_profile_can_require_a_declaration_before_verifying(customer, declaration_required):
    made = a_rights_request(customer)
    with pytest.raises(ValidationError) as refused:
        verify_signed_in(request=made, actor=customer.user)
    assert list(refused.value.message_dict) == ["declaration"]
    made.refresh_from_db()
    assert (made.status, made.verified_at) == (Status.RECEIVED, None)
    made.declaration_name = "Ada Lovelace"
    made.declared_at = made.received_at
    made.save()
    verify_signed_in(request=made, actor=customer.user)
    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS
    assert str(made.declaration_name) == "Ada Lovelace"


def test_the_declaration_is_asked_on_the_form_when_required(customer, declaration_required):
    client = confirmed_client(customer)
    response = client.post(reverse("rights:new_request"), {"kind": "access"})
    errors = response.context["form"].errors
    assert set(errors) == {"declaration_name", "declaration"}
    assert not RightsRequest.objects.exists()
    client.post(
        reverse("rights:new_request"),
        {"kind": "access", "declaration_name": "Ada Lovelace", "declaration": "on"},
    )
    made = RightsRequest.objects.get()
    assert made.declared_at is not None
    assert made.status == Status.IN_PROGRESS
