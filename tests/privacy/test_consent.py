from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import AuditEvent, ConsentRecord, Subject
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from clientvault.privacy.services.consent import (
    ConsentNotOffered,
    consent_history,
    consenting_subjects,
    current_consent,
    grant_consent,
    record_consent,
    withdraw_consent,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def use_profile(settings, tmp_path):
    """Switch to the need-to-know preset with some lines replaced."""

    def switch(**replacements: str) -> None:
        text = (PRESETS_DIR / "need-to-know.toml").read_text()
        for old, new in replacements.items():
            assert old in text
            text = text.replace(old, new)
        path = Path(tmp_path / "policy.toml")
        path.write_text(text)
        settings.CLIENTVAULT_POLICY = path
        current_profile.cache_clear()

    return switch


PARTNERS = {"partner = []": 'partner = ["user.name", "user.contact.email"]'}


@pytest.fixture
def subject():
    return Subject.objects.create()


def test_it_lets_the_newest_record_win(subject):
    grant_consent(subject=subject, purpose="marketing", source="form", actor=SYSTEM)
    assert current_consent(subject=subject, purpose="marketing") is True
    withdraw_consent(subject=subject, purpose="marketing", source="link", actor=SYSTEM)
    assert current_consent(subject=subject, purpose="marketing") is False
    grant_consent(subject=subject, purpose="marketing", source="staff", actor=SYSTEM)
    assert current_consent(subject=subject, purpose="marketing") is True


def test_it_breaks_ties_of_time_by_id(subject):
    at = timezone.now()
    ConsentRecord.objects.create(
        subject=subject, purpose="marketing", granted=True, source="form", at=at
    )
    ConsentRecord.objects.create(
        subject=subject, purpose="marketing", granted=False, source="form", at=at
    )
    assert current_consent(subject=subject, purpose="marketing") is False


def test_it_orders_by_time_not_by_insertion(subject):
    now = timezone.now()
    ConsentRecord.objects.create(
        subject=subject, purpose="analytics", granted=True, source="form", at=now
    )
    ConsentRecord.objects.create(
        subject=subject,
        purpose="analytics",
        granted=False,
        source="form",
        at=now - timedelta(days=1),
    )
    assert current_consent(subject=subject, purpose="analytics") is True


def test_it_keeps_purposes_and_subjects_apart(subject):
    other = Subject.objects.create()
    grant_consent(subject=subject, purpose="analytics", source="form", actor=SYSTEM)
    assert current_consent(subject=subject, purpose="marketing") is False
    assert current_consent(subject=other, purpose="analytics") is False


def test_it_defaults_marketing_to_refused_under_opt_in(subject):
    assert current_profile().marketing_default == "opt-in"
    assert current_consent(subject=subject, purpose="marketing") is False


def test_it_defaults_marketing_to_granted_under_opt_out(use_profile, subject):
    use_profile(**{'[marketing]\ndefault = "opt-in"': '[marketing]\ndefault = "opt-out"'})
    assert current_consent(subject=subject, purpose="marketing") is True
    withdraw_consent(subject=subject, purpose="marketing", source="email", actor=SYSTEM)
    assert current_consent(subject=subject, purpose="marketing") is False


def test_it_defaults_partner_sharing_from_the_profile(use_profile, subject):
    use_profile(**PARTNERS, **{'partners = "never"': 'partners = "opt-out"'})
    assert current_consent(subject=subject, purpose="partner_sharing") is True
    use_profile(**PARTNERS, **{'partners = "never"': 'partners = "opt-in"'})
    assert current_consent(subject=subject, purpose="partner_sharing") is False


def test_it_defaults_other_purposes_to_refused(subject):
    assert current_consent(subject=subject, purpose="analytics") is False


def test_it_refuses_a_partner_grant_when_partners_are_never(subject):
    with pytest.raises(ConsentNotOffered, match=r"sharing\.partners is 'never'"):
        grant_consent(subject=subject, purpose="partner_sharing", source="form", actor=SYSTEM)
    assert not ConsentRecord.objects.exists()
    withdraw_consent(subject=subject, purpose="partner_sharing", source="form", actor=SYSTEM)
    assert current_consent(subject=subject, purpose="partner_sharing") is False


def test_it_ignores_old_partner_grants_once_partners_are_never(use_profile, subject):
    use_profile(**PARTNERS, **{'partners = "never"': 'partners = "opt-in"'})
    grant_consent(subject=subject, purpose="partner_sharing", source="form", actor=SYSTEM)
    assert current_consent(subject=subject, purpose="partner_sharing") is True
    use_profile()
    assert current_consent(subject=subject, purpose="partner_sharing") is False


def test_it_refuses_a_grant_from_global_privacy_control(subject):
    with pytest.raises(ValueError, match="Global Privacy Control signal is always a refusal"):
        grant_consent(subject=subject, purpose="marketing", source="gpc", actor=SYSTEM)
    record = withdraw_consent(subject=subject, purpose="marketing", source="gpc", actor=SYSTEM)
    assert record.granted is False


@pytest.mark.parametrize(
    ("purpose", "source", "message"),
    [("spam", "form", "unknown purpose 'spam'"), ("marketing", "fax", "unknown source 'fax'")],
)
def test_it_refuses_unknown_purposes_and_sources(subject, purpose, source, message):
    with pytest.raises(ValueError, match=message):
        record_consent(subject=subject, purpose=purpose, granted=False, source=source, actor=SYSTEM)
    assert not ConsentRecord.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_audits_each_record_without_personal_data(subject):
    grant_consent(
        subject=subject, purpose="marketing", source="form", actor=SYSTEM, reference="T-1"
    )
    withdraw_consent(subject=subject, purpose="marketing", source="link", actor=SYSTEM)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.action for e in events] == ["consent.granted", "consent.refused"]
    assert {e.subject_id for e in events} == {subject.id}
    assert {e.purpose for e in events} == {"marketing"}
    assert events[1].details == {"source": "link"}
    assert events[0].actor_id == "system:system"


def test_it_never_edits_history(subject):
    record = grant_consent(subject=subject, purpose="marketing", source="form", actor=SYSTEM)
    record.granted = False
    with pytest.raises(PermissionError, match="never edited"):
        record.save()
    withdraw_consent(subject=subject, purpose="marketing", source="link", actor=SYSTEM)
    history = consent_history(subject=subject)
    assert [(r.granted, r.source) for r in history] == [(False, "link"), (True, "form")]


def test_many_subjects_are_checked_as_one_by_one_in_one_query(
    use_profile, django_assert_num_queries
):
    use_profile(**{'[marketing]\ndefault = "opt-in"': '[marketing]\ndefault = "opt-out"'})
    agreed, refused, silent, changed = (Subject.objects.create() for _ in range(4))
    grant_consent(subject=agreed, purpose="marketing", source="form", actor=SYSTEM)
    withdraw_consent(subject=refused, purpose="marketing", source="link", actor=SYSTEM)
    withdraw_consent(subject=changed, purpose="marketing", source="link", actor=SYSTEM)
    grant_consent(subject=changed, purpose="marketing", source="form", actor=SYSTEM)
    everyone = [agreed, refused, silent, changed]
    expected = {s.id for s in everyone if current_consent(subject=s, purpose="marketing")}
    current_profile()  # loaded before counting
    with django_assert_num_queries(1):
        found = consenting_subjects(subject_ids=[s.id for s in everyone], purpose="marketing")
    assert found == expected == {agreed.id, silent.id, changed.id}
