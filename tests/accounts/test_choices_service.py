"""The person's own choices (CTL-4, SHR-3): read from the consent ledger with the profile's
defaults, changed by one service that records each change with its source and audits it."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from clientvault.accounts.models import Customer, Person
from clientvault.accounts.services.choices import (
    NOT_OFFERED,
    change_choices,
    choice_history,
    offered_purposes,
    person_choices,
)
from clientvault.privacy.models import AuditEvent, ConsentRecord
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from clientvault.privacy.services.consent import current_consent
from tests.accounts.personas import customer, teammate  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def partners_opt_out():
    """The partner-opt-out stance: partner sharing offered, granted until refused."""
    with override_settings(CLIENTVAULT_POLICY=PRESETS_DIR / "partner-opt-out.toml"):
        current_profile.cache_clear()
        yield
    current_profile.cache_clear()


def _change(person, **choices):
    return change_choices(person=person, choices=choices, actor=person.user, source="form")


def test_it_shows_the_profiles_default_until_the_person_chooses(customer):  # noqa: F811
    [marketing] = person_choices(person=customer)  # need-to-know: never shares with partners
    assert (marketing.purpose, marketing.granted, marketing.since) == ("marketing", False, None)
    assert marketing.label == "News and offers by e-mail"


def test_a_change_is_a_dated_record_with_its_source_audited_by_the_ledger(customer):  # noqa: F811
    assert _change(customer, marketing=True) == ["marketing"]
    record = ConsentRecord.objects.get(subject=customer.subject)
    assert (record.purpose, record.granted, record.source) == ("marketing", True, "form")
    assert record.actor_id == f"user:{customer.user.pk}"
    event = AuditEvent.objects.get(action="consent.granted", subject_id=customer.subject_id)
    assert (event.purpose, event.details) == ("marketing", {"source": "form"})
    [marketing] = person_choices(person=customer)
    assert (marketing.granted, marketing.since, marketing.source) == (True, record.at, "form")


def test_the_same_choice_again_records_nothing(customer):  # noqa: F811
    assert _change(customer, marketing=False) == []  # the default already
    _change(customer, marketing=True)
    assert _change(customer, marketing=True) == []
    assert ConsentRecord.objects.filter(subject=customer.subject).count() == 1


def test_withdrawing_keeps_the_whole_history_newest_first(customer):  # noqa: F811
    _change(customer, marketing=True)
    _change(customer, marketing=False)
    assert [r.granted for r in choice_history(person=customer)] == [False, True]
    assert not current_consent(subject=customer.subject, purpose="marketing")


def test_partner_sharing_is_refused_by_name_where_the_profile_never_shares(customer):  # noqa: F811
    assert offered_purposes() == ("marketing",)
    with pytest.raises(ValidationError) as refused:
        _change(customer, marketing=True, partner_sharing=False)
    assert refused.value.message_dict == {"partner_sharing": [NOT_OFFERED]}
    assert not ConsentRecord.objects.exists()  # nothing half done


def test_partner_sharing_is_a_choice_where_the_profile_offers_it(customer, partners_opt_out):  # noqa: F811
    marketing, partners = person_choices(person=customer)
    assert (marketing.purpose, marketing.granted) == ("marketing", True)  # opt-out: until refused
    assert (partners.purpose, partners.granted, partners.since) == ("partner_sharing", True, None)
    assert _change(customer, partner_sharing=False) == ["partner_sharing"]
    assert not current_consent(subject=customer.subject, purpose="partner_sharing")
    assert [r.purpose for r in choice_history(person=customer)] == ["partner_sharing"]


def test_a_persons_choices_are_their_own(customer, teammate):  # noqa: F811
    _change(customer, marketing=True)
    _change(teammate, marketing=False)
    _change(teammate, marketing=True)
    _change(teammate, marketing=False)
    assert current_consent(subject=customer.subject, purpose="marketing")
    assert len(choice_history(person=customer)) == 1
    assert len(choice_history(person=teammate)) == 2


def test_an_unknown_source_is_a_programming_error(customer):  # noqa: F811
    with pytest.raises(ValueError, match="unknown source"):
        change_choices(person=customer, choices={"marketing": True}, actor=None, source="fax")


def _reseller(person):
    Customer.objects.filter(pk=person.customer_id).update(is_reseller=True)
    return Person.objects.select_related("customer").get(pk=person.pk)


def test_a_resellers_people_choose_their_newsletters(customer, partners_opt_out):  # noqa: F811
    person = _reseller(customer)
    offered = [choice.purpose for choice in person_choices(person=person)]
    assert offered == ["marketing", "reseller_newsletter", "partner_sharing"]
    change_choices(
        person=person, choices={"reseller_newsletter": False}, actor=person.user, source="form"
    )
    assert not current_consent(subject=person.subject, purpose="reseller_newsletter")


def test_others_are_not_offered_resellers_newsletters(customer, partners_opt_out):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        change_choices(
            person=customer,
            choices={"reseller_newsletter": True},
            actor=customer.user,
            source="form",
        )
    assert "go only to the people of a reseller's account" in str(refused.value)


def test_resellers_are_not_offered_newsletters_the_profile_does_not_send(customer):  # noqa: F811
    person = _reseller(customer)
    assert "reseller_newsletter" not in [c.purpose for c in person_choices(person=person)]
