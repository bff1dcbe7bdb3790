import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import AuditEvent, Hold, Subject
from clientvault.privacy.services.audit import verify_chain
from clientvault.privacy.services.holds import (
    CONFIDENTIAL_NOTICE,
    active_holds,
    end_hold,
    hold_notice,
    place_hold,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ACTOR = SystemActor("holds-test")


@pytest.fixture
def subject():
    return Subject.objects.create()


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def hold(subject, days=30, **extra):
    options = {"reason": "dispute", "placed_by": "billing", **extra}
    return place_hold(subject=subject, ends_on=in_days(days), actor=ACTOR, **options)


def test_it_places_a_hold_and_audits_codes_only(subject):
    placed = hold(subject, reference="case-17", confidential=True)
    assert (placed.reason, placed.placed_by, placed.ends_on) == ("dispute", "billing", in_days(30))
    event = AuditEvent.objects.get(action="hold.placed")
    assert (event.subject_id, event.object_id) == (subject.pk, str(placed.pk))
    assert event.details == {"reason": "dispute", "placed_by": "billing", "confidential": True}
    assert verify_chain().first_break is None


def test_it_finds_the_active_holds_only(subject):
    other = Subject.objects.create()
    ended = end_hold(hold=hold(subject, 10), actor=ACTOR)
    today = hold(subject, 0)
    later = hold(subject, 40, reason="investigation")
    hold(other, 5)
    assert ended.ended_at is not None
    assert active_holds(subject_ids=[subject.pk]) == [today, later]
    assert active_holds(subject_ids=[subject.pk], today=in_days(1)) == [later]
    assert active_holds(subject_ids=[]) == []


def test_it_ends_a_hold_once(subject):
    placed = hold(subject)
    first = end_hold(hold=placed, actor=ACTOR)
    again = end_hold(hold=placed, actor=ACTOR)
    assert first.ended_at == again.ended_at
    assert AuditEvent.objects.filter(action="hold.ended").count() == 1


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"reason": "because"}, "reason"),
        ({"ends_on": in_days(-1)}, "ends_on"),
        ({"ends_on": timezone.now()}, "ends_on"),
        ({"placed_by": ""}, "placed_by"),
        ({"placed_by": "the billing team"}, "placed_by"),
        ({"reference": "Ada's complaint"}, "reference"),
    ],
)
def test_it_refuses_a_bad_hold_and_names_the_field(subject, options, field):
    arguments = {
        "reason": "dispute",
        "placed_by": "billing",
        "ends_on": in_days(3),
        **options,
    }
    with pytest.raises(ValidationError) as caught:
        place_hold(subject=subject, actor=ACTOR, **arguments)
    assert field in caught.value.message_dict
    assert not Hold.objects.exists()


def test_it_keeps_an_unknown_reason_out_of_the_database_too(subject):
    placed = hold(subject)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.filter(pk=placed.pk).update(reason="whim")


def test_it_tells_open_holds_and_hides_confidential_ones(subject):
    open_one = hold(subject, 30)
    secret = hold(subject, 90, reason="legal_preservation", reference="order-9", confidential=True)
    notice = hold_notice([open_one, secret])
    assert f"until {in_days(30):%d %B %Y}: an open dispute." in notice
    assert notice.endswith(CONFIDENTIAL_NOTICE)
    assert "order-9" not in notice
    assert f"{in_days(90):%d %B %Y}" not in notice
    assert "preserv" not in hold_notice([secret]).lower()
    assert hold_notice([secret]) == CONFIDENTIAL_NOTICE
