import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import AuditEvent, Disclosure, Subject
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from clientvault.privacy.services.consent import grant_consent, withdraw_consent
from clientvault.privacy.services.disclosures import (
    DisclosureRefused,
    defer_notice,
    disclose,
    disclosures_visible_to,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

NAME, EMAIL, CARD = "user.name", "user.contact.email", "user.financial.credit_card"
COMMS = "user.content.communications"


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


def send(subject, kind, categories, ground="contract", reference="", **extra):
    return disclose(
        subject=subject,
        recipient_kind=kind,
        recipient=extra.pop("recipient", "Example Recipient Inc."),
        categories=categories,
        ground=ground,
        reference=reference,
        actor=SYSTEM,
        **extra,
    )


def refused(subject, kind, categories, match, **kw):
    before = Disclosure.objects.count()
    with pytest.raises(DisclosureRefused, match=match):
        send(subject, kind, categories, **kw)
    assert Disclosure.objects.count() == before
    assert AuditEvent.objects.order_by("-seq").first().action == "disclosure.refused"


def test_it_records_an_allowed_disclosure_and_audits_it(subject):
    disclosure = send(subject, "registrar", [NAME, EMAIL], reference="example.com")
    disclosure.refresh_from_db()
    assert disclosure.recipient == "Example Recipient Inc."
    assert disclosure.categories == [NAME, EMAIL]
    assert (disclosure.ground, disclosure.reference) == ("contract", "example.com")
    assert disclosure.actor_id == "system:system"
    assert disclosure.at is not None
    event = AuditEvent.objects.get()
    assert event.action == "disclosure.made"
    assert event.subject_id == subject.id
    assert event.object_id == str(disclosure.pk)
    assert "Example" not in str(event.details)
    assert "example.com" not in str(event.details)


def test_it_refuses_registrar_categories_outside_the_profile(subject):
    refused(subject, "registrar", [NAME, CARD], "credit_card is not in .*sharing.registrar")
    event = AuditEvent.objects.get()
    assert event.details["categories"] == [NAME, CARD]
    assert event.subject_id == subject.id


def test_it_allows_the_processor_only_its_categories(subject):
    send(subject, "payment_processor", [NAME, CARD])
    refused(subject, "payment_processor", [EMAIL], "sharing.payment_processor")


def test_it_refuses_every_partner_when_partners_are_never(subject):
    refused(subject, "partner", [NAME], r"sharing.partners = 'never'")


def test_it_refuses_a_partner_without_consent_under_opt_in(use_profile, subject):
    use_profile(**PARTNERS, **{'partners = "never"': 'partners = "opt-in"'})
    refused(subject, "partner", [NAME], "has not consented to partner sharing", ground="consent")
    grant_consent(subject=subject, purpose="partner_sharing", source="form", actor=SYSTEM)
    assert send(subject, "partner", [NAME, EMAIL], ground="consent").pk


def test_it_stops_sharing_with_partners_after_an_opt_out(use_profile, subject):
    use_profile(**PARTNERS, **{'partners = "never"': 'partners = "opt-out"'})
    assert send(subject, "partner", [EMAIL], ground="consent").pk
    withdraw_consent(subject=subject, purpose="partner_sharing", source="link", actor=SYSTEM)
    refused(subject, "partner", [EMAIL], "has not consented", ground="consent")


def test_it_refuses_partner_categories_outside_the_profile(use_profile, subject):
    use_profile(**PARTNERS, **{'partners = "never"': 'partners = "opt-out"'})
    refused(subject, "partner", ["user.contact.phone_number"], "sharing.partner")


def test_it_shares_with_affiliates_only_on_need_to_know(use_profile, subject):
    assert send(subject, "affiliate", [NAME]).pk
    use_profile(**{"affiliates_need_to_know = true": "affiliates_need_to_know = false"})
    refused(subject, "affiliate", [NAME], "does not share with affiliates")


@pytest.mark.parametrize("ground", ["contract", "legitimate_interest", "harm", "consent"])
def test_it_refuses_an_authority_without_legal_authorisation(subject, ground):
    refused(
        subject, "authority", [NAME], "subpoena, warrant, court order", ground=ground, reference="X"
    )


@pytest.mark.parametrize("ground", ["legal_process", "legal_obligation"])
def test_it_refuses_an_authority_without_a_reference(subject, ground):
    refused(subject, "authority", [NAME], "needs a reference", ground=ground, reference=" ")


def test_it_discloses_to_an_authority_on_a_court_order(subject):
    disclosure = send(subject, "authority", [NAME, EMAIL], "legal_process", "Case 2024-118")
    assert disclosure.reference == "Case 2024-118"


def test_it_needs_a_reference_to_act_against_harm(subject):
    refused(subject, "third_party", [EMAIL], "ground 'harm' needs a reference", ground="harm")
    assert send(subject, "third_party", [EMAIL], "harm", "Abuse report 77").pk
    refused(subject, "third_party", [EMAIL], "causing harm", ground="contract")


@pytest.mark.parametrize("kind", ["affiliate", "authority", "registrar"])
def test_it_never_discloses_sensitive_data(subject, kind):
    category = "user.demographic.religious_belief"
    refused(subject, kind, [category], "sensitive data", ground="legal_process", reference="W")


def test_it_refuses_unknown_categories_grounds_and_kinds(subject):
    refused(subject, "affiliate", ["user.shoe_size"], "unknown data category 'user.shoe_size'")
    refused(subject, "affiliate", [], "names no data category")
    refused(subject, "affiliate", [NAME], "unknown ground 'whim'", ground="whim")
    refused(subject, "broker", [NAME], "unknown recipient kind 'broker'")
    refused(subject, "affiliate", [NAME], "names no recipient", recipient=" ")


@pytest.mark.parametrize("ground", ["sell", "lease", "rent"])
def test_it_makes_selling_impossible(subject, ground):
    refused(subject, "partner", [NAME], "never sold, leased or rented", ground=ground)


def test_it_is_a_permission_denied(subject):
    with pytest.raises(PermissionDenied):
        send(subject, "registrar", [CARD])


def test_it_discloses_communications_only_on_the_four_grounds(use_profile, subject):
    assert send(subject, "affiliate", [COMMS], ground="legitimate_interest").pk
    refused(
        subject,
        "third_party",
        [COMMS],
        "never disclosed on the ground 'harm'",
        ground="harm",
        reference="R",
    )
    use_profile(**{'"legitimate_interest", "legal_process"': '"legal_process"'})
    refused(
        subject, "affiliate", [COMMS], "ground 'legitimate_interest'", ground="legitimate_interest"
    )


def test_it_reports_inadvertently_found_crime_only_to_an_authority(subject):
    assert send(subject, "authority", [COMMS], "inadvertent_crime", "Report 9").pk
    refused(
        subject,
        "affiliate",
        [COMMS],
        "only to a legal authority",
        ground="inadvertent_crime",
        reference="R",
    )
    refused(subject, "authority", [NAME], "subpoena", ground="inadvertent_crime", reference="R")


def test_it_hides_a_disclosure_while_a_court_order_defers_the_notice(subject):
    until = datetime.date(2030, 6, 1)
    shown = send(subject, "registrar", [NAME])
    hidden = send(
        subject, "authority", [NAME], "legal_process", "Order 5", notice_deferred_until=until
    )
    visible = disclosures_visible_to(subject=subject, today=datetime.date(2030, 5, 31))
    assert visible == [shown]
    later = disclosures_visible_to(subject=subject, today=until)
    assert set(later) == {shown, hidden}
    assert disclosures_visible_to(subject=Subject.objects.create(), today=until) == []


def test_it_refuses_to_defer_a_notice_without_a_court_order(subject):
    until = datetime.date(2030, 6, 1)
    refused(subject, "registrar", [NAME], "only a court order", notice_deferred_until=until)


def test_a_court_order_extended_defers_the_notice_again():
    subject = Subject.objects.create()
    today = timezone.localdate()
    made = disclose(
        subject=subject,
        recipient_kind="authority",
        recipient="District Court",
        categories=["user.name"],
        ground="legal_process",
        reference="Order 26-1",
        actor=None,
        notice_deferred_until=today + datetime.timedelta(days=1),
    )
    later = today + datetime.timedelta(days=90)
    assert defer_notice(disclosures=[made], until=later, actor=None) == 1
    assert disclosures_visible_to(subject=subject, today=today + datetime.timedelta(days=30)) == []
    event = AuditEvent.objects.filter(action="disclosure.notice_deferred").get()
    assert event.details == {"until": later.isoformat()}


def test_only_a_court_order_is_deferred_and_never_into_the_past():
    subject = Subject.objects.create()
    made = disclose(
        subject=subject,
        recipient_kind="registrar",
        recipient="Registrar",
        categories=["user.name"],
        ground="contract",
        reference="",
        actor=None,
    )
    with pytest.raises(DisclosureRefused, match="only a court order"):
        defer_notice(disclosures=[made], until=timezone.localdate(), actor=None)
    with pytest.raises(DisclosureRefused, match="in the past"):
        defer_notice(
            disclosures=[made], until=timezone.localdate() - datetime.timedelta(days=1), actor=None
        )
