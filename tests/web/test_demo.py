"""``clientvault demo``: a believable demo company, loaded once however often it is run."""

import base64
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django_otp.oath import TOTP

from clientvault.accounts.models import (
    AuthenticatorDevice,
    Channel,
    ClientLogEntry,
    CustomerKind,
    Invitation,
    LoginEvent,
    Person,
    PersonRole,
    ProfileChange,
    ReportStatus,
    SecurityAnswer,
    UnauthorisedUseReport,
    User,
)
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.accounts.services.twofactor import verify_second_factor
from clientvault.messaging.mailbox import MAILBOX_BACKEND
from clientvault.messaging.models import Campaign, CampaignStatus
from clientvault.privacy.backup import data_models
from clientvault.privacy.models import (
    ConsentRecord,
    Disclosure,
    MasterKeyVersion,
    PolicyAcceptance,
    SubjectKey,
    SystemKey,
)
from clientvault.privacy.services.audit import verify_chain
from clientvault.web.demo import (
    AUTHORISED_USERS,
    CUSTOMERS,
    PASSWORD,
    STAFF,
    TELEPHONE_CUSTOMER,
    logins,
)
from tests.accounts.mailutil import deliver_mail, queued_mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

SECRET = re.compile(r"TOTP secret ((?:[A-Z2-7]{4} ?)+) \| recovery code (\w+)")


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    """Rows of every model in the data database and the key store."""
    models = [*data_models(), SubjectKey, SystemKey, MasterKeyVersion]
    return {m._meta.label: m._base_manager.count() for m in models}


@pytest.fixture
def loaded(settings):
    settings.DEBUG = True
    assert demo().strip() == "Demo data is loaded."


def test_it_loads_one_login_per_staff_role_with_a_second_factor(loaded):
    for login in STAFF:
        user = User.objects.get(username=login.username)
        assert user.is_staff
        assert user.subject is not None
        assert list(user.groups.values_list("name", flat=True)) == [login.role]
        assert user.check_password(PASSWORD)
        assert AuthenticatorDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_the_registrar_hand_overs_match_the_demo_domains(loaded):
    """Every registrar entry names a domain of the subject's account that went to the
    registrar; the domain still awaiting payment (Kai's) went nowhere."""
    from clientvault.hosting.models import Domain, DomainStatus

    entries = Disclosure.objects.filter(recipient_kind="registrar")
    assert entries.count() >= 5  # Carol, Alex, Omar, Nina, Priya
    for entry in entries:
        names = (
            Domain.objects.filter(
                Q(registrant__subject=entry.subject)
                | Q(admin__subject=entry.subject)
                | Q(tech__subject=entry.subject)
                | Q(billing__subject=entry.subject)
            )
            .exclude(status=DomainStatus.PENDING)
            .values_list("name", flat=True)
        )
        assert any(entry.reference.endswith(name) for name in names), entry.reference
    kai = find_person_by_email(TELEPHONE_CUSTOMER["email"])
    assert kai is not None
    assert not entries.filter(subject=kai.subject).exists()
    carol = User.objects.get(username="carol")
    assert entries.filter(subject=carol.subject, reference__endswith="carol-bakes.com").exists()


def test_it_loads_customers_with_their_history(loaded):
    for login in CUSTOMERS:
        user = User.objects.get(username=login.username)
        assert not user.is_staff
        assert user.check_password(PASSWORD)
        assert PolicyAcceptance.objects.filter(subject=user.subject).count() == 1
        assert ConsentRecord.objects.filter(subject=user.subject, source="form").exists()
        # their payment methods went to the payment processor through the register
        assert Disclosure.objects.filter(
            subject=user.subject, recipient_kind="payment_processor"
        ).exists()
        assert ProfileChange.objects.filter(person__user=user).exists()
        assert LoginEvent.objects.filter(user=user).count() == 3
    carol = Person.objects.get(user__username="carol")
    assert SecurityAnswer.objects.filter(user=carol.user).count() == 2
    events = set(ClientLogEntry.objects.values_list("event", flat=True))
    assert {
        "signed_up",
        "policy_accepted",
        "profile_changed",
        "logged_in",
        "login_failed",
    } <= events
    assert {
        "user_invited",
        "user_joined",
        "created_by_staff",
        "unauthorised_use_reported",
    } <= events
    assert verify_chain().intact


def test_an_organisation_has_an_authorised_user_and_a_pending_invitation(loaded):
    nina = Person.objects.select_related("customer").get(user__username="nina.orbit")
    assert nina.customer.kind == CustomerKind.ORGANISATION
    assert nina.role == PersonRole.AUTHORISED_USER
    assert sorted(nina.permissions) == ["billing", "support"]
    assert nina.user.check_password(PASSWORD)
    pending = Invitation.objects.filter(customer=nina.customer, accepted_at__isnull=True)
    assert pending.count() == 1


def test_staff_opened_an_account_by_telephone_whose_holder_reported_misuse(loaded):
    person = Person.objects.select_related("customer", "created_by").get(
        customer__created_channel=Channel.TELEPHONE
    )
    assert person.email == TELEPHONE_CUSTOMER["email"]
    assert person.created_by.username == "sam.support"
    report = UnauthorisedUseReport.objects.get(person=person)
    assert report.status == ReportStatus.OPEN


def test_running_it_twice_changes_nothing(loaded):
    before = counts()
    demo()
    assert counts() == before


def test_a_second_run_sends_nothing_and_prints_the_same_logins(loaded, settings, tmp_path):
    settings.EMAIL_BACKEND = MAILBOX_BACKEND
    settings.CLIENTVAULT_MAILBOX_DIR = folder = tmp_path / "mail"
    assert deliver_mail() > 0  # the first run's invitation and resets
    sent, before, printed = sorted(folder.glob("*.eml")), counts(), demo("--logins")
    assert demo().strip() == "Demo data is loaded."
    assert queued_mail() == 0
    assert deliver_mail() == 0
    assert sorted(folder.glob("*.eml")) == sent
    assert counts() == before
    assert demo("--logins") == printed


def test_it_prints_where_mail_and_texts_go(loaded, settings, tmp_path):
    settings.EMAIL_BACKEND = MAILBOX_BACKEND
    settings.CLIENTVAULT_MAILBOX_DIR = tmp_path / "mail"
    settings.CLIENTVAULT_SITE_URL, settings.CLIENTVAULT_SMS_URL = "http://127.0.0.1:8123", ""
    last = demo("--logins").splitlines()[-1]
    assert last == (
        "E-mail and text messages go to the development mailbox, "
        f"http://127.0.0.1:8123/dev/mailbox (files in {tmp_path / 'mail'}), "
        "never into the server log."
    )


def test_it_refuses_to_load_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=0"):
        demo()
    assert not User.objects.exists()
    demo("--force")
    assert User.objects.filter(username=STAFF[0].username).exists()


def test_it_prints_every_login_with_the_password(loaded):
    printed = demo("--logins")
    assert PASSWORD in printed.splitlines()[0]
    for login in logins():
        assert re.search(rf"^  {login.role}\s+{re.escape(login.username)} ", printed, re.M)
    assert {*AUTHORISED_USERS, *CUSTOMERS} <= set(logins())


def test_the_printed_staff_secrets_and_recovery_codes_pass_the_second_factor(loaded):
    printed = demo("--logins")
    assert "DEMO ONLY" in printed
    for login in STAFF:
        line = next(line for line in printed.splitlines() if f" {login.username} " in line)
        secret, recovery = SECRET.search(line).groups()
        user = User.objects.get(username=login.username)
        key = bytes.fromhex(AuthenticatorDevice.objects.get(user=user).key)
        assert secret.replace(" ", "") == base64.b32encode(key).decode().rstrip("=")
        assert verify_second_factor(user=user, code=f"{TOTP(key).token():06d}") is not None
        assert verify_second_factor(user=user, code=recovery) is not None
        assert verify_second_factor(user=user, code=recovery) is None  # once only


def test_it_prints_the_logins_before_the_data_is_loaded(settings):
    settings.DEBUG = True
    printed = demo("--logins")
    assert "run `clientvault demo`" in printed


def test_it_refuses_to_print_second_factors_with_debug_off_unless_forced(loaded, settings):
    settings.DEBUG = False
    out = StringIO()
    with pytest.raises(CommandError, match=r"refusing to print demo logins .* DEBUG=0"):
        call_command("demo", "--logins", stdout=out)
    assert "TOTP secret" not in out.getvalue()
    assert "recovery code" not in out.getvalue()
    assert SECRET.search(demo("--logins", "--force"))


def test_it_prints_the_site_address_from_the_settings(loaded, settings):
    settings.CLIENTVAULT_SITE_URL = "https://hosting.example.com"
    first = demo("--logins").splitlines()[0]
    assert first.startswith("Demo logins at https://hosting.example.com/sign-in,")
    assert "8000" not in first


def test_it_sends_a_campaign_that_three_refusals_reach_in_time(loaded):
    campaign = Campaign.objects.get(name="Autumn offer")
    assert campaign.status == CampaignStatus.QUEUEING  # the worker of make run queues it
    omar = Person.objects.get(user__username="orbit.owner")
    nina = Person.objects.get(user__username="nina.orbit")
    assert omar.customer.is_reseller
    newest = {
        person.user.username: ConsentRecord.objects.filter(subject=person.subject)
        .order_by("-at", "-id")
        .first()
        for person in (omar, nina)
    }
    assert (newest["orbit.owner"].granted, newest["orbit.owner"].source) == (False, "link")
    assert (newest["nina.orbit"].granted, newest["nina.orbit"].source) == (False, "form")
    kai = Person.objects.get(customer__created_channel=Channel.TELEPHONE)
    by_mail = ConsentRecord.objects.filter(subject=kai.subject).order_by("-at", "-id").first()
    assert (by_mail.granted, by_mail.source) == (False, "email")
