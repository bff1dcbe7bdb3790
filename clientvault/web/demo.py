"""A believable demo hosting company: staff per role and a few customers with history.

Idempotent: everything is looked up by username first, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from clientvault.accounts.models import StaffRole, User
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import ConsentSource, DisclosureGround, RecipientKind, Subject
from clientvault.privacy.services.consent import record_consent
from clientvault.privacy.services.disclosures import disclose
from clientvault.privacy.services.policy import publish_policy, record_acceptance
from clientvault.privacy.services.subjects import create_subject

DEMO = SystemActor("demo")
PASSWORD = "clientvault-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    name: str


STAFF = [
    DemoLogin("sam.support", StaffRole.SUPPORT, "Sam Okafor"),
    DemoLogin("bea.billing", StaffRole.BILLING, "Bea Lindqvist"),
    DemoLogin("pia.privacy", StaffRole.PRIVACY_OFFICER, "Pia Moreau"),
    DemoLogin("leo.legal", StaffRole.LEGAL, "Leo Brandt"),
    DemoLogin("ada.admin", StaffRole.ADMINISTRATOR, "Ada Nakamura"),
]
CUSTOMERS = [
    DemoLogin("carol", "customer", "Carol Jensen"),
    DemoLogin("orbit.owner", "customer", "Omar Haddad"),
]


def logins() -> list[DemoLogin]:
    return [*CUSTOMERS, *STAFF]


def _user(login: DemoLogin, *, staff: bool) -> tuple[User, bool]:
    existing = User.objects.filter(username=login.username).first()
    if existing is not None:
        return existing, False
    first, last = login.name.split(" ", 1)
    user = User(username=login.username, first_name=first, last_name=last, is_staff=staff)
    user.email = f"{login.username}@example.com"
    user.set_password(PASSWORD)
    user.save()
    return user, True


def _staff() -> None:
    for role in StaffRole:
        Group.objects.get_or_create(name=role.value)
    for login in STAFF:
        user, _ = _user(login, staff=True)
        user.groups.add(Group.objects.get(name=login.role))


def _customer_history(subject: Subject, index: int) -> None:
    version = publish_policy()
    record_acceptance(subject=subject, version=version, channel="signup", actor=DEMO)
    record_consent(
        subject=subject,
        purpose="marketing",
        granted=index == 0,
        source=ConsentSource.FORM,
        actor=DEMO,
    )
    disclose(
        subject=subject,
        recipient_kind=RecipientKind.REGISTRAR,
        recipient="Example Registrar Inc.",
        categories=["user.name", "user.contact.email"],
        ground=DisclosureGround.CONTRACT,
        reference=f"domain registration DEMO-{index + 1}",
        actor=DEMO,
    )


def _customers() -> None:
    for index, login in enumerate(CUSTOMERS):
        user, created = _user(login, staff=False)
        if created:
            user.subject = create_subject(actor=DEMO)
            user.save(update_fields=["subject"])
            _customer_history(user.subject, index)


def load_demo() -> None:
    with transaction.atomic():
        publish_policy()
        _staff()
        _customers()
