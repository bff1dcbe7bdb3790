import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientvault.legal.models import DemandType
from clientvault.legal.services.preservation import demand_holds, preserve, release_preservation
from clientvault.legal.services.releases import prepare_release
from clientvault.privacy.models import Hold, HoldReason
from clientvault.privacy.services.holds import active_holds
from tests.legal.helpers import a_customer, a_demand, legal_team, refusals

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _preservation(person, actor):
    return a_demand(person, actor, demand_type=DemandType.PRESERVATION, categories=[])


def test_it_holds_each_named_subject_confidentially_for_the_profiles_days():
    a, _ = legal_team()
    person = a_customer()
    demand = _preservation(person, a)
    holds = preserve(demand=demand, actor=a)
    assert len(holds) == 1
    hold = holds[0]
    assert hold.reason == HoldReason.LEGAL_PRESERVATION
    assert hold.confidential
    assert hold.reference == demand.reference
    assert hold.ends_on == timezone.localdate() + datetime.timedelta(days=90)
    assert active_holds(subject_ids=[person.subject_id]) == [hold]
    assert preserve(demand=demand, actor=a) == []  # held already: no second hold


def test_release_preservation_ends_the_holds():
    a, _ = legal_team()
    person = a_customer()
    demand = _preservation(person, a)
    preserve(demand=demand, actor=a)
    assert release_preservation(demand=demand, actor=a) == 1
    assert demand_holds(demand) == []
    assert not active_holds(subject_ids=[person.subject_id])


def test_it_refuses_a_hold_on_an_erased_subject():
    a, _ = legal_team()
    person = a_customer()
    demand = _preservation(person, a)
    person.subject.erased_at = timezone.now()
    person.subject.save()
    with pytest.raises(ValidationError, match="is erased"):
        preserve(demand=demand, actor=a)
    assert refusals("subject_erased") == 1
    assert not Hold.objects.exists()


def test_a_preservation_request_releases_nothing():
    a, _ = legal_team()
    person = a_customer()
    demand = a_demand(person, a, demand_type=DemandType.PRESERVATION, categories=["user.name"])
    with pytest.raises(ValidationError, match="releases nothing"):
        prepare_release(demand=demand, categories={person.subject_id: ["user.name"]}, actor=a)
    assert refusals("preservation_releases_nothing") == 1


def test_the_person_is_told_only_that_a_legal_obligation_applies():
    from clientvault.privacy.services.holds import CONFIDENTIAL_NOTICE, hold_notice

    a, _ = legal_team()
    person = a_customer()
    demand = _preservation(person, a)
    preserve(demand=demand, actor=a)
    told = hold_notice(active_holds(subject_ids=[person.subject_id]))
    assert told == CONFIDENTIAL_NOTICE
    assert demand.reference not in told
