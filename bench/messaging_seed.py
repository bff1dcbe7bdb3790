"""The messaging benchmark's customers: ``python -m bench.messaging_seed --customers 20000``.

Run by bench/messaging.py in the environment of the template database being filled. The
customers are made more directly than through ``open_account`` (which spends most of its time
on an argon2 hash and the login, neither of which a campaign reads), with clientvault's own
pieces: for each, a privacy subject through ``create_subject`` (its own data key in the key
store, audited), an individual customer account, its owner (a Person whose given name, family
name and e-mail address are sealed under that key, with their blind indexes, the address
confirmed) and a marketing grant through ``grant_consent`` (a consent record, audited). That is
everything the customers' audience, a campaign and the outbox read.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from clientvault.accounts.models import (  # noqa: E402
    Channel,
    Customer,
    CustomerKind,
    Permission,
    Person,
    PersonRole,
)
from clientvault.privacy.models import ConsentSource  # noqa: E402
from clientvault.privacy.services.consent import grant_consent  # noqa: E402
from clientvault.privacy.services.subjects import create_subject  # noqa: E402
from clientvault.privacy.taxonomy import Purpose  # noqa: E402

BATCH = 250
SEED = 2026
GIVEN = "Olivia Amelia Isla Ava Mia Grace Oliver George Noah Arthur Leo Aisha Omar Priya Wei Mei"
FAMILY = "Smith Jones Taylor Brown Williams Wilson Patel Wright Khan Nguyen Okafor Murphy Kelly"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed(customers: int) -> None:
    rng = random.Random(SEED)
    given, family = GIVEN.split(), FAMILY.split()
    started = time.monotonic()
    for first in range(0, customers, BATCH):
        with transaction.atomic():
            for index in range(first, min(first + BATCH, customers)):
                _customer(index, rng.choice(given), rng.choice(family))
        done = min(first + BATCH, customers)
        if done % 2000 == 0 or done == customers:
            rate = done / max(time.monotonic() - started, 1e-9)
            log(f"  {done}/{customers} customers ({rate:.0f}/s)")


def _customer(index: int, given: str, family: str) -> None:
    subject = create_subject(actor=None)
    customer = Customer.objects.create(kind=CustomerKind.INDIVIDUAL, created_channel=Channel.ONLINE)
    Person(
        subject=subject,
        customer=customer,
        role=PersonRole.OWNER,
        permissions=list(Permission.values),
        created_channel=Channel.ONLINE,
        email_confirmed_at=timezone.now(),
        given_name=given,
        family_name=family,
        email=f"{given}.{family}.{index}@example.net".lower(),
        country="GB",
    ).save()
    grant_consent(subject=subject, purpose=Purpose.MARKETING, source=ConsentSource.FORM, actor=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, required=True)
    seed(parser.parse_args().customers)


if __name__ == "__main__":
    main()
