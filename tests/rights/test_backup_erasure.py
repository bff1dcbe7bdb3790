"""RET-3 end to end: a person erased through a request stays erased in a backup taken before.

A backup is taken; the account owner asks for the erasure of the account, verified, and the
request's job runs; then the backup is restored into a fresh data database beside the live
key store, as a restore after a disaster would be.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from clientvault.accounts.models import Person
from clientvault.privacy import vault
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.directory import directory
from clientvault.privacy.fields import lookup
from clientvault.privacy.models import Subject
from clientvault.privacy.services.audit import verify_chain
from clientvault.privacy.services.erasure import reapply_shredding
from clientvault.rights.models import Channel, Kind, RightsRequest, Scope, Status, Verification
from clientvault.rights.services.requests import Ask, create_request
from clientvault.rights.services.verification import mark_verified
from tests.accounts import personas
from tests.accounts.personas import OUTSIDER_DETAILS, OWNER_DETAILS
from tests.kernelapp.helpers import wipe_data_database
from tests.rights.helpers import run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider = personas.customer, personas.teammate, personas.outsider


def _erase_account(owner: Person) -> RightsRequest:
    request = create_request(
        ask=Ask(kind=Kind.ERASURE, scope=Scope.ACCOUNT),
        channel=Channel.OPERATOR,
        subject_id=owner.subject_id,
        given=directory().contact(owner.subject_id),  # type: ignore[arg-type]
        actor=SYSTEM,
        account=owner.customer.number,
    )
    mark_verified(request=request, how=Verification.OPERATOR, actor=SYSTEM)
    run_rights_jobs()
    request.refresh_from_db()
    return request


def _restore(path) -> str:  # type: ignore[no-untyped-def]
    wipe_data_database()  # a fresh data database beside the live key store
    assert not Person.objects.exists()
    out = StringIO()
    call_command("restore", str(path), stdout=out)
    vault.reset_caches()
    return out.getvalue()


def _found_by_email(email: str) -> bool:
    return Person.objects.filter(**lookup(Person, "email_index", email)).exists()


def test_a_person_erased_by_request_reads_as_erased_in_an_earlier_backup(
    customer, teammate, outsider, tmp_path
):
    path = tmp_path / "before.cvbackup"
    call_command("backup", str(path), stdout=StringIO())

    request = _erase_account(customer)
    assert request.status == Status.COMPLETED
    erased = [customer.subject_id, teammate.subject_id]
    assert sorted(request.outcome["erased"]) == sorted(str(s) for s in erased)

    output = _restore(path)

    assert "2 subjects erased since then stay erased" in output
    for person in (customer, teammate):
        restored = Person.objects.get(pk=person.pk)
        assert restored.given_name == vault.ERASED
        assert isinstance(restored.email, vault.Erased)
        assert isinstance(restored.phone or vault.ERASED, vault.Erased)
        assert (restored.email_index, restored.given_name_index) == (None, None)
        assert Subject.objects.get(pk=person.subject_id).erased_at is not None
    assert not _found_by_email(OWNER_DETAILS["email"])
    assert not _found_by_email("grace@example.com")

    other = Person.objects.get(pk=outsider.pk)
    assert (other.given_name, other.email) == (
        OUTSIDER_DETAILS["given_name"],
        OUTSIDER_DETAILS["email"],
    )
    assert _found_by_email(OUTSIDER_DETAILS["email"])
    assert Subject.objects.get(pk=outsider.subject_id).erased_at is None

    assert verify_chain().first_break is None
    out = StringIO()
    call_command("audit", "verify", stdout=out)  # exits 1 on a break
    assert reapply_shredding(actor=SYSTEM) == 0  # the restore did it; a second run finds none


def test_shredding_again_clears_blind_indexes_a_restored_backup_holds(customer, tmp_path):
    index = customer.email_index
    path = tmp_path / "before.cvbackup"
    call_command("backup", str(path), stdout=StringIO())
    _erase_account(customer)
    _restore(path)
    # The restored rows as a restore that stopped before shredding again would leave them.
    Person.objects.filter(pk=customer.pk).update(email_index=index)
    Subject.objects.filter(pk=customer.subject_id).update(erased_at=None)
    assert _found_by_email(OWNER_DETAILS["email"])

    assert reapply_shredding(actor=SYSTEM) == 1

    assert not _found_by_email(OWNER_DETAILS["email"])
    assert Person.objects.get(pk=customer.pk).email_index is None
    assert Subject.objects.get(pk=customer.subject_id).erased_at is not None
    assert verify_chain().first_break is None
