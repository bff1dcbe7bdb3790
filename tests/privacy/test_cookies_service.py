"""COL-8: a signed-in person's cookie answer and a Global Privacy Control signal in the consent
ledger (clientvault.privacy.services.cookies), each audited, and each written only once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import AuditEvent, ConsentRecord, Subject
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from clientvault.privacy.services.consent import current_consent, grant_consent
from clientvault.privacy.services.cookies import gpc_purposes, honour_gpc, record_cookie_choice
from clientvault.privacy.taxonomy import Purpose

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
COOKIES = Purpose.PREFERENCE_COOKIES
PARTNERS = Purpose.PARTNER_SHARING


@pytest.fixture
def subject():
    return Subject.objects.create()


@pytest.fixture
def partners_opt_out(settings):
    settings.CLIENTVAULT_POLICY = PRESETS_DIR / "partner-opt-out.toml"
    current_profile.cache_clear()


def _ledger(subject) -> list[tuple[str, bool, str]]:
    records = ConsentRecord.objects.filter(subject=subject).order_by("at", "id")
    return list(records.values_list("purpose", "granted", "source"))


def test_a_choice_is_recorded_from_the_form_and_audited(subject):
    record = record_cookie_choice(subject_id=subject.id, accepted=True, actor=SYSTEM)
    assert record is not None
    assert _ledger(subject) == [(COOKIES, True, "form")]
    assert current_consent(subject=subject, purpose=COOKIES) is True
    event = AuditEvent.objects.get(action="consent.granted", subject_id=subject.id)
    assert event.purpose == COOKIES


def test_the_same_answer_again_records_nothing_and_a_change_of_mind_is_one_more_record(subject):
    record_cookie_choice(subject_id=subject.id, accepted=False, actor=SYSTEM)
    assert record_cookie_choice(subject_id=subject.id, accepted=False, actor=SYSTEM) is None
    record_cookie_choice(subject_id=subject.id, accepted=True, actor=SYSTEM)
    assert _ledger(subject) == [(COOKIES, False, "form"), (COOKIES, True, "form")]


def test_an_erased_subject_gets_no_record(subject):
    Subject.objects.filter(pk=subject.pk).update(erased_at=timezone.now())
    assert record_cookie_choice(subject_id=subject.id, accepted=True, actor=SYSTEM) is None
    assert honour_gpc(subject_id=subject.id, actor=SYSTEM) == []
    assert _ledger(subject) == []


def test_gpc_refuses_preference_cookies_once_with_source_gpc(subject):
    assert honour_gpc(subject_id=subject.id, actor=SYSTEM) == [COOKIES]
    assert honour_gpc(subject_id=subject.id, actor=SYSTEM) == []
    assert _ledger(subject) == [(COOKIES, False, "gpc")]
    record = ConsentRecord.objects.get(subject=subject)
    assert record.reference == "Sec-GPC: 1"
    assert AuditEvent.objects.filter(action="consent.refused", subject_id=subject.id).count() == 1


def test_gpc_refuses_again_after_the_person_grants_anew(subject):
    honour_gpc(subject_id=subject.id, actor=SYSTEM)
    record_cookie_choice(subject_id=subject.id, accepted=True, actor=SYSTEM)
    assert honour_gpc(subject_id=subject.id, actor=SYSTEM) == [COOKIES]
    assert current_consent(subject=subject, purpose=COOKIES) is False


def test_gpc_adds_nothing_to_a_refusal_already_on_record(subject):
    record_cookie_choice(subject_id=subject.id, accepted=False, actor=SYSTEM)
    assert honour_gpc(subject_id=subject.id, actor=SYSTEM) == []


def test_gpc_refuses_partner_sharing_where_the_profile_offers_it(partners_opt_out, subject):
    assert current_consent(subject=subject, purpose=PARTNERS) is True  # opt-out: the default
    assert honour_gpc(subject_id=subject.id, actor=SYSTEM) == [COOKIES, PARTNERS]
    assert current_consent(subject=subject, purpose=PARTNERS) is False
    grant_consent(subject=subject, purpose=PARTNERS, source="form", actor=SYSTEM)
    assert honour_gpc(subject_id=subject.id, actor=SYSTEM) == [PARTNERS]


def test_where_partners_are_never_offered_gpc_has_only_cookies_to_refuse():
    assert current_profile().partners == "never"
    assert gpc_purposes() == (COOKIES,)
