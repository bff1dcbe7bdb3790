import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientvault.legal.models import Demand, DemandEvent, DemandType, Status
from clientvault.legal.services.demands import (
    challenge,
    complete,
    open_demand,
    refuse_demand,
    start_review,
)
from clientvault.legal.services.releases import approve_release, prepare_release
from clientvault.privacy.models import AuditEvent
from tests.legal.helpers import SUBSCRIBER, a_customer, a_demand, given, legal_team, refusals

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_opens_a_demand_with_a_random_reference_and_its_subjects():
    a, _ = legal_team()
    person = a_customer()
    demand = a_demand(person, a, review=False)
    assert demand.reference.startswith("LD-")
    assert len(demand.reference) == 9
    assert demand.status == Status.RECEIVED
    assert demand.ground == "legal_process"
    assert list(demand.subjects.values_list("subject_id", flat=True)) == [person.subject_id]
    assert AuditEvent.objects.filter(action="legal.received").count() == 1


def test_it_refuses_a_demand_without_a_reference_naming_the_rule():
    a, _ = legal_team()
    with pytest.raises(ValidationError, match="without the authority's reference") as caught:
        open_demand(given=given(a_customer(), their_reference="  "), handler=a, actor=a)
    assert "their_reference" in caught.value.error_dict
    assert "rule: reference required" in str(caught.value)
    assert refusals("reference_required") == 1
    assert not Demand.objects.exists()


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"jurisdiction": "XX"}, "jurisdiction_unknown"),
        ({"authority": ""}, "authority_required"),
        ({"demand_type": "other"}, "ground_required"),
        ({"demand_type": "other", "ground": "harm"}, "harm_reference_required"),
        (
            {"demand_type": "emergency", "notice_forbidden_until": datetime.date(2030, 1, 1)},
            "notice_order_needs_legal_process",
        ),
        ({"due_on": datetime.date(2000, 1, 1)}, "due_before_received"),
        ({"subjects": []}, "subjects_required"),
        ({"categories": ["user.nonsense"]}, "unknown_category"),
        ({"categories": []}, "categories_required"),
    ],
)
def test_it_refuses_bad_input_naming_the_rule(changes, rule):
    a, _ = legal_team()
    with pytest.raises(ValidationError, match=rule.replace("_", " ")):
        open_demand(given=given(a_customer(), **changes), handler=a, actor=a)
    assert refusals(rule) == 1
    assert not Demand.objects.exists()


def test_an_emergency_gets_its_follow_up_deadline_from_the_profile():
    a, _ = legal_team()
    demand = a_demand(a_customer(), a, demand_type=DemandType.EMERGENCY)
    assert demand.followup_due_on == timezone.localdate() + datetime.timedelta(days=2)
    assert demand.ground == "legal_obligation"


def test_the_workflow_moves_through_review_and_challenge_with_reasons():
    a, _ = legal_team()
    demand = a_demand(a_customer(), a)
    assert demand.status == Status.UNDER_REVIEW
    with pytest.raises(ValidationError, match="say why"):
        challenge(demand=demand, actor=a, reason=" ")
    demand = challenge(demand=demand, actor=a, reason="Overbroad: no date range")
    assert demand.status == Status.CHALLENGED
    demand = refuse_demand(demand=demand, actor=a, reason="Not narrowed")
    assert demand.status == Status.REFUSED
    assert demand.closed_at is not None
    steps = list(DemandEvent.objects.filter(demand=demand).values_list("step", flat=True))
    assert steps == ["received", "under_review", "challenged", "refused"]


def test_a_closed_demand_cannot_move_again():
    a, _ = legal_team()
    demand = refuse_demand(demand=a_demand(a_customer(), a), actor=a, reason="No basis")
    with pytest.raises(ValidationError, match="cannot become"):
        start_review(demand=demand, actor=a)
    assert refusals("workflow") == 1


def test_complete_is_full_when_everything_asked_was_released_else_partial():
    a, b = legal_team()
    person = a_customer()
    demand = a_demand(person, a, categories=["user.name", "user.contact.address"])
    with pytest.raises(ValidationError, match="Nothing was released"):
        complete(demand=demand, actor=a)
    release = prepare_release(demand=demand, categories={person.subject_id: ["user.name"]}, actor=a)
    approve_release(release=release, actor=b)
    with pytest.raises(ValidationError, match="say why"):
        complete(demand=demand, actor=a)
    demand = complete(demand=demand, actor=a, reason="The address is not held")
    assert demand.status == Status.PARTIALLY_COMPLIED


def test_complete_in_full():
    a, b = legal_team()
    person = a_customer()
    demand = a_demand(person, a)
    release = prepare_release(
        demand=demand, categories={person.subject_id: ["user.name", "user.contact.email"]}, actor=a
    )
    approve_release(release=release, actor=b)
    assert complete(demand=demand, actor=b).status == Status.FULLY_COMPLIED


def test_a_stale_demand_never_overwrites_a_final_status():
    a, b = legal_team()
    person = a_customer()
    demand = a_demand(person, a)
    stale = Demand.objects.get(pk=demand.pk)  # another tab, still under review
    release = prepare_release(demand=demand, categories={person.subject_id: SUBSCRIBER}, actor=a)
    approve_release(release=release, actor=b)
    complete(demand=demand, actor=b)
    with pytest.raises(ValidationError, match="cannot become"):
        challenge(demand=stale, actor=a, reason="Overbroad")
    assert refusals("workflow") == 1
    demand.refresh_from_db()
    assert demand.status == Status.FULLY_COMPLIED


def test_a_demand_with_released_data_cannot_be_refused():
    a, b = legal_team()
    person = a_customer()
    demand = a_demand(person, a)
    release = prepare_release(demand=demand, categories={person.subject_id: SUBSCRIBER}, actor=a)
    approve_release(release=release, actor=b)
    with pytest.raises(ValidationError, match="complete it as partially complied"):
        refuse_demand(demand=demand, actor=a, reason="Changed our mind")
    assert refusals("released_data") == 1
    demand.refresh_from_db()
    assert demand.status == Status.UNDER_REVIEW


def test_refusing_or_completing_a_demand_ends_its_preservation_holds():
    from clientvault.legal.services.preservation import demand_holds, preserve

    a, b = legal_team()
    person = a_customer()
    refused = a_demand(person, a)
    preserve(demand=refused, actor=a)
    refuse_demand(demand=refused, actor=a, reason="No basis")
    assert demand_holds(refused) == []
    completed = a_demand(person, a, their_reference="1:26-mj-00043")
    preserve(demand=completed, actor=a)
    release = prepare_release(demand=completed, categories={person.subject_id: SUBSCRIBER}, actor=a)
    approve_release(release=release, actor=b)
    complete(demand=completed, actor=b)
    assert demand_holds(completed) == []


def test_a_preservation_request_completes_only_once_held():
    from clientvault.legal.services.preservation import demand_holds, preserve

    a, _ = legal_team()
    person = a_customer()
    demand = a_demand(person, a, demand_type=DemandType.PRESERVATION, categories=[])
    with pytest.raises(ValidationError, match="place the preservation holds first"):
        complete(demand=demand, actor=a)
    assert refusals("not_preserved") == 1
    preserve(demand=demand, actor=a)
    assert complete(demand=demand, actor=a).status == Status.FULLY_COMPLIED
    assert demand_holds(demand) == []
