import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clientvault.legal.models import DemandType, Package, Release, ReleaseStatus
from clientvault.legal.services.releases import approve_release, prepare_release
from clientvault.privacy.models import Disclosure, RecipientKind
from tests.legal.helpers import (
    a_customer,
    a_demand,
    a_prepared_release,
    an_approved_release,
    legal_team,
    refusals,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_a_second_person_approves_and_each_subject_is_disclosed_and_packaged():
    a, b = legal_team()
    person = a_customer()
    release, secret = an_approved_release(person, a, b)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.APPROVED
    assert release.approved_by_id == b.pk
    assert secret
    assert release.token_digest
    assert secret not in release.token_digest
    disclosure = Disclosure.objects.get(subject=person.subject)
    assert disclosure.recipient_kind == RecipientKind.AUTHORITY
    assert disclosure.ground == "legal_process"
    assert sorted(disclosure.categories) == ["user.contact.email", "user.name"]
    package = Package.objects.get(release=release)
    assert "Lovelace" in str(package.document)
    assert "12 Marylebone" not in str(package.document)  # the address was not released


def test_it_refuses_an_approval_by_the_person_who_prepared_it():
    a, _ = legal_team()
    release = a_prepared_release(a_customer(), a)
    with pytest.raises(ValidationError, match="four eyes"):
        approve_release(release=release, actor=a)
    assert refusals("four_eyes") == 1
    assert not Disclosure.objects.exists()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PREPARED


def test_the_database_refuses_one_person_preparing_and_approving():
    a, _ = legal_team()
    release = a_prepared_release(a_customer(), a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Release.objects.filter(pk=release.pk).update(approved_by=a)


def test_it_refuses_a_release_above_what_the_demand_allows():
    a, _ = legal_team()
    person = a_customer()
    demand = a_demand(person, a, categories=["user.content.communications", "user.name"])
    chosen = {person.subject_id: ["user.content.communications"]}
    with pytest.raises(ValidationError, match="search warrant or an interception order"):
        prepare_release(demand=demand, categories=chosen, actor=a)
    assert refusals("above_demand") == 1
    assert not Release.objects.exists()


def test_a_court_order_reaches_activity_but_not_content():
    a, _ = legal_team()
    person = a_customer()
    asked = ["user.behavior", "user.content"]
    demand = a_demand(person, a, demand_type=DemandType.COURT_ORDER, categories=asked)
    prepare_release(demand=demand, categories={person.subject_id: ["user.behavior"]}, actor=a)
    with pytest.raises(ValidationError, match=r"user\.content needs a search warrant"):
        prepare_release(demand=demand, categories={person.subject_id: ["user.content"]}, actor=a)


def test_a_warrant_releases_content_and_sensitive_data_never():
    a, b = legal_team()
    person = a_customer()
    asked = ["user.content.communications", "user.demographic.religious_belief"]
    demand = a_demand(person, a, demand_type=DemandType.SEARCH_WARRANT, categories=asked)
    with pytest.raises(ValidationError, match="never released"):
        prepare_release(demand=demand, categories={person.subject_id: asked}, actor=a)
    release = prepare_release(demand=demand, categories={person.subject_id: asked[:1]}, actor=a)
    approve_release(release=release, actor=b)
    assert Disclosure.objects.get().categories == ["user.content.communications"]


def test_it_refuses_an_expired_emergency_window():
    a, _ = legal_team()
    person = a_customer()
    long_ago = timezone.localdate() - datetime.timedelta(days=10)
    demand = a_demand(
        person, a, demand_type=DemandType.EMERGENCY, received_on=long_ago, due_on=long_ago
    )
    with pytest.raises(ValidationError, match="emergency window has expired"):
        prepare_release(demand=demand, categories={person.subject_id: ["user.name"]}, actor=a)
    assert refusals("emergency_window_expired") == 1


def test_an_emergency_releases_only_the_profiles_categories():
    a, b = legal_team()
    person = a_customer()
    demand = a_demand(
        person, a, demand_type=DemandType.EMERGENCY, categories=["user.name", "user.behavior"]
    )
    with pytest.raises(ValidationError, match="emergency categories"):
        prepare_release(demand=demand, categories={person.subject_id: ["user.behavior"]}, actor=a)
    release = prepare_release(demand=demand, categories={person.subject_id: ["user.name"]}, actor=a)
    approve_release(release=release, actor=b)
    assert Disclosure.objects.get().ground == "legal_obligation"


def test_a_harm_demand_goes_to_a_third_party_with_the_abuse_ticket():
    a, b = legal_team()
    person = a_customer()
    _release, _ = an_approved_release(
        person, a, b, demand_type=DemandType.OTHER, ground="harm", harm_reference="T-123456"
    )
    disclosure = Disclosure.objects.get()
    assert disclosure.recipient_kind == RecipientKind.THIRD_PARTY
    assert disclosure.ground == "harm"
    assert "T-123456" in disclosure.reference


def test_it_refuses_what_the_demand_did_not_ask_for():
    a, _ = legal_team()
    person = a_customer()
    demand = a_demand(person, a)
    with pytest.raises(ValidationError, match="not asked for"):
        prepare_release(
            demand=demand, categories={person.subject_id: ["user.contact.address"]}, actor=a
        )
    assert refusals("not_requested") == 1


def test_other_staff_roles_may_not_prepare_or_approve():
    from clientvault.accounts.models import StaffRole
    from tests.accounts.personas import make_staff

    a, _ = legal_team()
    support = make_staff(StaffRole.SUPPORT.value)
    person = a_customer()
    demand = a_demand(person, a)
    with pytest.raises(ValidationError, match="legal team"):
        prepare_release(demand=demand, categories={person.subject_id: ["user.name"]}, actor=support)
    release = prepare_release(demand=demand, categories={person.subject_id: ["user.name"]}, actor=a)
    with pytest.raises(ValidationError, match="legal team"):
        approve_release(release=release, actor=support)
    assert refusals("legal_role_required") == 2


def test_a_demand_not_under_review_releases_nothing():
    a, _ = legal_team()
    person = a_customer()
    demand = a_demand(person, a, review=False)
    with pytest.raises(ValidationError, match="under review"):
        prepare_release(demand=demand, categories={person.subject_id: ["user.name"]}, actor=a)


def test_a_refusal_by_the_disclosure_register_leaves_nothing_half_written(monkeypatch):
    from clientvault.legal.services import releases
    from clientvault.privacy.services.disclosures import DisclosureRefused
    from tests.accounts.personas import OUTSIDER_DETAILS, open_test_account

    a, b = legal_team()
    ada, otto = a_customer(), open_test_account(username="otto.m", details=OUTSIDER_DETAILS)
    demand = a_demand(ada, a, subjects=[ada.subject_id, otto.subject_id])
    chosen = {ada.subject_id: ["user.name"], otto.subject_id: ["user.name"]}
    release = prepare_release(demand=demand, categories=chosen, actor=a)
    real = releases.disclose
    calls = []

    def second_refused(**kwargs):
        calls.append(kwargs["subject"])
        if len(calls) == 2:
            raise DisclosureRefused("disclosure to authority refused: a test rule")
        return real(**kwargs)

    monkeypatch.setattr(releases, "disclose", second_refused)
    with pytest.raises(ValidationError, match="a test rule"):
        approve_release(release=release, actor=b)
    assert refusals("disclosure_register") == 1
    assert not Disclosure.objects.exists()
    assert not Package.objects.exists()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PREPARED


def test_the_register_refusal_is_audited_with_its_rule_ground_and_categories(monkeypatch):
    from clientvault.legal.services import releases
    from clientvault.privacy.models import AuditEvent
    from clientvault.privacy.services.disclosures import DisclosureRefused

    a, b = legal_team()
    person = a_customer()
    release = a_prepared_release(person, a)

    def refused(**kwargs):
        raise DisclosureRefused("disclosure to authority refused: a test rule")

    monkeypatch.setattr(releases, "disclose", refused)
    with pytest.raises(ValidationError, match="a test rule"):
        approve_release(release=release, actor=b)
    event = AuditEvent.objects.get(action="legal.refused", details__rule="disclosure_register")
    assert event.subject_id == person.subject_id
    assert event.details["ground"] == "legal_process"
    assert event.details["recipient_kind"] == "authority"
    assert sorted(event.details["categories"]) == ["user.contact.email", "user.name"]


def test_a_second_approval_of_the_same_release_is_an_audited_refusal():
    from tests.legal.helpers import legal_member

    a, b = legal_team()
    c = legal_member("legal-c")
    release = a_prepared_release(a_customer(), a)
    stale = Release.objects.get(pk=release.pk)  # the page the second person still has open
    approve_release(release=release, actor=b)
    with pytest.raises(ValidationError, match="already approved"):
        approve_release(release=stale, actor=c)
    assert refusals("already_approved") == 1
    assert Disclosure.objects.count() == 1
    stale.refresh_from_db()
    assert stale.approved_by_id == b.pk


def test_an_approval_after_the_demand_was_closed_elsewhere_is_refused():
    from clientvault.legal.services.demands import refuse_demand

    a, b = legal_team()
    release = a_prepared_release(a_customer(), a)
    demand = Release.objects.get(pk=release.pk).demand
    refuse_demand(demand=demand, actor=a, reason="Overbroad")
    with pytest.raises(ValidationError, match="under review"):
        approve_release(release=release, actor=b)  # its demand instance is stale
    assert not Disclosure.objects.exists()
