"""A believable demo hosting company: staff per role and customers with history.

Everything goes through the services a real customer or staff member would trigger: accounts
opened online (policy accepted, marketing answered) and by telephone, a profile corrected, an
authorised user invited and joined, another invited and still pending, security answers, sign-in
history, a report of unauthorised use, and one staff login per role with an authenticator;
then marketing, billing (``demo_billing``: payment methods through the test gateway, invoices in
every status), hosting (``demo_hosting``: services in every status on the test control panel,
domains and their contacts at the test registrar), support (``demo_support``: tickets) and
privacy requests.

Idempotent: each account and login is looked up first (by username, or by e-mail for the
account staff opened by telephone), so running it twice changes nothing.

Demo only: staff must give a second factor, so ``login_lines`` prints each staff login's TOTP
secret and an unused recovery code (the command refuses with DEBUG=0 unless forced); real staff
enrol their own authenticator at first sign-in. Recovery codes are stored only as keyed hashes,
so the demo's are derived from the demo secret (:func:`demo_recovery_codes`) and the first one
whose hash is still stored is printed. The sign-in address is CLIENTVAULT_SITE_URL.
"""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django_otp.oath import TOTP

from clientvault.accounts.messages import INVITATION
from clientvault.accounts.models import (
    AuthenticatorDevice,
    Channel,
    ClientLogEvent,
    CustomerKind,
    LoginOutcome,
    Permission,
    Person,
    StaffRole,
    User,
)
from clientvault.accounts.services.answers import set_security_answers
from clientvault.accounts.services.auth import record_failure, record_login_event
from clientvault.accounts.services.clientlog import log_for_user
from clientvault.accounts.services.customers import (
    find_person_by_email,
    open_account,
    update_person,
)
from clientvault.accounts.services.people import accept_invitation, invite_user
from clientvault.accounts.services.security import report_unauthorised_use
from clientvault.accounts.services.staff import (
    create_staff_login,
    ensure_staff_roles,
    grant_staff_role,
    open_account_by_telephone,
)
from clientvault.accounts.services.twofactor import (
    RECOVERY_CODE_COUNT,
    confirm_totp,
    new_totp_key,
    recovery_code_unused,
    secret_text,
)
from clientvault.messaging.mailbox import MAILBOX_BACKEND, mailbox_dir
from clientvault.messaging.models import Message, Status
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import PolicyVersion
from clientvault.privacy.services.policy import publish_policy
from clientvault.web.demo_billing import billing_lines, load_billing
from clientvault.web.demo_hosting import hosting_lines, load_hosting
from clientvault.web.demo_legal import legal_lines, load_incidents, load_legal
from clientvault.web.demo_messaging import load_messaging
from clientvault.web.demo_rights import load_rights, rights_lines
from clientvault.web.demo_support import load_support, support_lines
from clientvault.web.demo_traffic import load_traffic, traffic_lines

DEMO = SystemActor("demo")
PASSWORD = "clientvault-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    name: str


@dataclass(frozen=True)
class DemoTeammate:
    login: DemoLogin
    email: str
    permissions: tuple[str, ...]
    phone: str = ""


@dataclass(frozen=True)
class DemoAccount:
    owner: DemoLogin
    kind: str
    details: Mapping[str, str]
    organisation_name: str = ""
    marketing: bool = False
    correction: Mapping[str, str] = field(default_factory=dict)
    answers: Mapping[str, str] = field(default_factory=dict)
    team: tuple[DemoTeammate, ...] = ()
    pending: tuple[str, ...] = ()


STAFF = [
    DemoLogin("sam.support", StaffRole.SUPPORT, "Sam Okafor"),
    DemoLogin("bea.billing", StaffRole.BILLING, "Bea Lindqvist"),
    DemoLogin("pia.privacy", StaffRole.PRIVACY_OFFICER, "Pia Moreau"),
    DemoLogin("leo.legal", StaffRole.LEGAL, "Leo Brandt"),
    # A release to an authority needs a second person's approval (four eyes).
    DemoLogin("lena.legal", StaffRole.LEGAL, "Lena Vogel"),
    DemoLogin("ada.admin", StaffRole.ADMINISTRATOR, "Ada Nakamura"),
    DemoLogin("mia.marketing", StaffRole.MARKETING, "Mia Rossi"),
]
ACCOUNTS = [
    DemoAccount(
        owner=DemoLogin("carol", "owner", "Carol Jensen"),
        kind=CustomerKind.INDIVIDUAL,
        details={
            "given_name": "Carol",
            "family_name": "Jensen",
            "email": "carol@example.com",
            "phone": "020 7946 0321",
            "address_line1": "14 Wharf Road",
            "city": "London",
            "postal_code": "N1 7GR",
            "country": "GB",
        },
        marketing=True,
        correction={"address_line1": "22 Wharf Road", "phone": "020 7946 0322"},
        answers={"first_pet": "Biscuit", "birth_town": "Aarhus"},
    ),
    DemoAccount(
        owner=DemoLogin("orbit.owner", "owner", "Omar Haddad"),
        kind=CustomerKind.ORGANISATION,
        organisation_name="Orbit Analytics Ltd",
        details={
            "given_name": "Omar",
            "family_name": "Haddad",
            "email": "omar@orbit-analytics.example",
            "phone": "0161 496 0750",
            "address_line1": "3 Tariff Street",
            "city": "Manchester",
            "postal_code": "M1 2FF",
            "country": "GB",
            "employer": "Orbit Analytics Ltd",
            "job_title": "Managing director",
        },
        correction={"department": "Management"},
        team=(
            DemoTeammate(
                DemoLogin("nina.orbit", "authorised user", "Nina Petrova"),
                email="nina@orbit-analytics.example",
                permissions=(Permission.BILLING, Permission.SUPPORT),
                phone="0161 496 0751",
            ),
        ),
        pending=("devops@orbit-analytics.example",),
    ),
]
CUSTOMERS = [account.owner for account in ACCOUNTS]
AUTHORISED_USERS = [t.login for account in ACCOUNTS for t in account.team]
TELEPHONE_CUSTOMER = {
    "given_name": "Kai",
    "family_name": "Müller",
    "email": "kai.mueller@example.de",
    "phone": "030 12345678",
    "address_line1": "Friedrichstraße 43",
    "city": "Berlin",
    "postal_code": "10117",
    "country": "DE",
}
# (IP address, browser, succeeded): documentation addresses, never real ones.
SIGN_INS = [
    ("192.0.2.14", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", True),
    ("198.51.100.7", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1", True),
    ("203.0.113.99", "curl/8.5.0", False),
]


def logins() -> list[DemoLogin]:
    return [*CUSTOMERS, *AUTHORISED_USERS, *STAFF]


# --- staff ----------------------------------------------------------------------------------


def _staff_login(login: DemoLogin) -> User:
    """A staff login in its role's group, with a subject and an authenticator (TOTP)."""
    user = User.objects.filter(username=login.username).first()
    if user is not None:
        return user
    first, last = login.name.split(" ", 1)
    user = create_staff_login(
        username=login.username,
        email=f"{login.username}@example.com",
        first_name=first,
        last_name=last,
        password=PASSWORD,
        actor=DEMO,
    )
    grant_staff_role(username=user.username, role=login.role, actor=DEMO)
    key = new_totp_key()
    # Confirmed with the previous step's code (within the allowed drift): a confirming code
    # cannot be used again, and the demo user's first sign-in should not have to wait 30 s.
    code = f"{TOTP(bytes.fromhex(key), step=30, digits=6, drift=-1).token():06d}"
    codes = demo_recovery_codes(key)
    confirm_totp(user=user, key=key, code=code, actor=DEMO, recovery_codes=codes)
    return User.objects.get(pk=user.pk)  # afresh: roles are cached on the instance


def _staff() -> dict[str, User]:
    """Each staff login by role (the first of a role) and by username."""
    ensure_staff_roles()
    made = {login.username: _staff_login(login) for login in STAFF}
    by_role: dict[str, User] = {}
    for login in STAFF:
        by_role.setdefault(login.role, made[login.username])
    return {**made, **by_role}


# --- customers ------------------------------------------------------------------------------


def _request(ip_address: str, user_agent: str) -> HttpRequest:
    request = HttpRequest()
    request.META = {"REMOTE_ADDR": ip_address, "HTTP_USER_AGENT": user_agent}
    return request


def _sign_in_history(user: User) -> None:
    for ip_address, user_agent, succeeded in SIGN_INS:
        request = _request(ip_address, user_agent)
        if succeeded:
            record_login_event(request=request, user=user, outcome=LoginOutcome.SUCCESS)
            log_for_user(user=user, event=ClientLogEvent.LOGGED_IN, actor=user)
        else:
            record_failure(request=request, user=user)


def _invitation_link(address: str) -> str:
    """The link in the queued invitation to ``address``, as the invitee would follow it."""
    queued = Message.objects.filter(kind=INVITATION.key, status=Status.QUEUED)
    for message in queued.order_by("-queued_at"):
        if message.to == address:
            return str(json.loads(str(message.context))["link"])
    raise LookupError(f"no invitation was queued for {address}")


def _team(owner: Person, account: DemoAccount, version: PolicyVersion) -> None:
    for teammate in account.team:
        invite_user(
            customer=owner.customer,
            email=teammate.email,
            permissions=teammate.permissions,
            actor=owner.user,  # type: ignore[arg-type]
        )
        token = urlsplit(_invitation_link(teammate.email)).path.rstrip("/").rsplit("/", 1)[-1]
        given, family = teammate.login.name.split(" ", 1)
        person = accept_invitation(
            token=token,
            details={"given_name": given, "family_name": family, "phone": teammate.phone},
            username=teammate.login.username,
            password=PASSWORD,
            policy_version=version,
        )
        _sign_in_history(person.user)  # type: ignore[arg-type]
    for address in account.pending:
        invite_user(
            customer=owner.customer,
            email=address,
            permissions=[Permission.SERVICES],
            actor=owner.user,  # type: ignore[arg-type]
        )


def _account(account: DemoAccount, index: int, version: PolicyVersion) -> None:
    if User.objects.filter(username=account.owner.username).exists():
        return
    customer = open_account(
        kind=account.kind,
        details=account.details,
        username=account.owner.username,
        password=PASSWORD,
        channel=Channel.ONLINE,
        actor=None,
        organisation_name=account.organisation_name,
        policy_version=version,
        marketing=account.marketing,
    )
    owner = customer.people.select_related("user", "subject", "customer").get()
    user: User = owner.user  # type: ignore[assignment]
    update_person(person=owner, changes=account.correction, actor=user, channel=Channel.ONLINE)
    if account.answers:
        set_security_answers(user=user, answers=dict(account.answers), actor=user)
    _sign_in_history(user)
    _team(owner, account, version)


def _telephone_customer(support: User, version: PolicyVersion) -> None:
    """An account a support agent opened by telephone; its holder later reported misuse."""
    if find_person_by_email(TELEPHONE_CUSTOMER["email"]) is not None:
        return
    customer = open_account_by_telephone(
        staff=support,
        kind=CustomerKind.INDIVIDUAL,
        details=TELEPHONE_CUSTOMER,
        policy_version=version,
    )
    person = customer.people.select_related("user").get()
    report_unauthorised_use(
        person=person,
        description="The caller says a password reset e-mail arrived that they did not ask for.",
        actor=person.user,  # type: ignore[arg-type]
    )


def load_demo() -> None:
    with transaction.atomic():
        version = publish_policy()
        staff = _staff()
        for index, account in enumerate(ACCOUNTS):
            _account(account, index, version)
        _telephone_customer(staff[StaffRole.SUPPORT], version)
        load_messaging(marketing=staff[StaffRole.MARKETING])
        load_billing(staff=staff[StaffRole.BILLING])  # before Carol's copy of her data is made
        load_hosting(staff=staff[StaffRole.BILLING], support=staff[StaffRole.SUPPORT])
        load_support(support=staff[StaffRole.SUPPORT])
        load_rights()
        load_legal(legal=staff["leo.legal"], second_legal=staff["lena.legal"])
        load_incidents(compromised=staff["sam.support"], handler=staff[StaffRole.ADMINISTRATOR])
        load_traffic()


# --- the logins, printed by ``clientvault demo --logins`` ------------------------------------


def _account_label(login: DemoLogin) -> str:
    person = Person.objects.select_related("customer").filter(user__username=login.username)
    found = person.first()
    if found is None:
        return f"{login.name} (not loaded yet: run `clientvault demo`)"
    customer = found.customer
    account = customer.organisation_name or f"{customer.get_kind_display().lower()} account"
    return f"{login.name}, {account} {customer.number}"


def demo_recovery_codes(key: str) -> list[str]:
    """A demo login's recovery codes, derived from its TOTP secret (DEMO ONLY: real ones are
    random), so that ``demo --logins`` can find the next unused one again by its hash."""
    codes = []
    for number in range(RECOVERY_CODE_COUNT):
        digest = hmac.new(bytes.fromhex(key), f"demo recovery code {number}".encode(), "sha256")
        codes.append(base64.b32encode(digest.digest()[:5]).decode().lower())
    return codes


def _second_factor(username: str) -> str:
    device = AuthenticatorDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        return "(not loaded yet: run `clientvault demo`)"
    unused = (c for c in demo_recovery_codes(device.key) if recovery_code_unused(device.user, c))
    return f"TOTP secret {secret_text(device.key)} | recovery code {next(unused, 'none left')}"


def login_lines() -> list[str]:
    lines = [
        f"Demo logins at {settings.CLIENTVAULT_SITE_URL}/sign-in, every one with the password: "
        f"{PASSWORD}",
        "Customers sign in with the username or the e-mail address:",
    ]
    for login in [*CUSTOMERS, *AUTHORISED_USERS]:
        lines.append(f"  {login.role:<16} {login.username:<12} {_account_label(login)}")
    lines += [
        "Staff must also give a second factor. DEMO ONLY: each staff login's authenticator",
        "secret is printed below; add it to an authenticator app (base32, 6 digits, 30 s), or",
        "type the recovery code (each recovery code works once; "
        "the next unused one is printed next time).",
    ]
    for login in STAFF:
        lines.append(f"  {login.role:<16} {login.username:<12} {_second_factor(login.username)}")
    return [
        *lines,
        *rights_lines(),
        *billing_lines(),
        *hosting_lines(),
        *support_lines(),
        *legal_lines(),
        *traffic_lines(),
    ]


def mail_lines() -> list[str]:
    """Where the site's e-mail and text messages go (``make run`` prints it with the logins)."""
    mailbox = (
        f"the development mailbox, {settings.CLIENTVAULT_SITE_URL}{reverse('dev_mailbox')} "
        f"(files in {mailbox_dir()}), never into the server log"
    )
    if settings.EMAIL_BACKEND == MAILBOX_BACKEND:
        email = mailbox
    else:
        email = f"{settings.EMAIL_BACKEND} (EMAIL_URL)"
    texts = "the SMS gateway (CLIENTVAULT_SMS_URL)" if settings.CLIENTVAULT_SMS_URL else mailbox
    if email == texts:
        return [f"E-mail and text messages go to {email}."]
    return [f"E-mail goes to {email}.", f"Text messages go to {texts}."]
