"""The demo's messaging: a reseller, a campaign sent, and marketing refused three ways.

Orbit Analytics resells hosting. Carol agreed to news and offers when she signed up; Omar and
Nina agreed later on their choices page. The "Autumn offer" campaign is sent to everyone who
agreed; then, before the worker delivers it, Omar leaves the list by the link in the message
(RFC 8058's one-click POST, as his mail provider would send it) and Nina unticks the box on her
choices page, so only Carol's message leaves: the outbox checks consent as each one goes. Kai,
who agreed on the telephone, writes to the opt-out address; the mail listener's own code takes
his message and answers with a confirmation.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from clientvault.accounts.models import Customer, Person
from clientvault.accounts.services.choices import change_choices
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.messaging.inbound.receive import receive
from clientvault.messaging.models import Audience, Campaign
from clientvault.messaging.services.campaigns import create_campaign, send_campaign
from clientvault.messaging.services.unsubscribe import unsubscribe
from clientvault.messaging.unsubscribe import make_token
from clientvault.privacy.actors import Actor
from clientvault.privacy.models import ConsentSource
from clientvault.privacy.profile import current_profile
from clientvault.privacy.taxonomy import Purpose

CAMPAIGN = "Autumn offer"
RESELLER = "Orbit Analytics Ltd"
TEXT = (
    "Hello {{ given_name }},\n\n"
    "Until the end of the month, every new hosting plan comes with a second year at half price.\n"
    "Questions? Write to {{ support_email }}.\n\n"
    "{{ operator_name }}"
)


def _person(email: str) -> Person:
    found = find_person_by_email(email)
    if found is None:
        raise LookupError(f"the demo has no person with the address {email}")
    return found


def _choose(person: Person, granted: bool) -> None:
    change_choices(
        person=person,
        choices={Purpose.MARKETING: granted},
        actor=person.user,  # type: ignore[arg-type]
        source=ConsentSource.FORM,
    )


def _write_to_opt_out(sender: str) -> None:
    mail = EmailMessage()
    mail["From"], mail["To"] = sender, current_profile().marketing_opt_out_address
    mail["Subject"], mail["Message-ID"] = "Unsubscribe", make_msgid(domain="example.de")
    mail.set_content("Please send me no more offers.\n")
    receive(mail.as_bytes())


def load_messaging(*, marketing: Actor) -> None:
    """Idempotent: a demo that already sent its campaign is left as it is."""
    if Campaign.objects.filter(name=CAMPAIGN).exists():
        return
    omar, nina = _person("omar@orbit-analytics.example"), _person("nina@orbit-analytics.example")
    kai = _person("kai.mueller@example.de")
    Customer.objects.filter(pk=omar.customer_id).update(is_reseller=True)
    _choose(omar, True)
    _choose(nina, True)
    _choose(kai, True)
    campaign = create_campaign(
        name=CAMPAIGN,
        audience=Audience.CUSTOMERS,
        headline="{{ given_name }}, a second year at half price",
        body=TEXT,
        actor=marketing,
    )
    send_campaign(campaign=campaign, actor=marketing)
    unsubscribe(token=make_token(subject_id=omar.subject_id, purpose=Purpose.MARKETING))
    _choose(nina, False)
    _write_to_opt_out("kai.mueller@example.de")
