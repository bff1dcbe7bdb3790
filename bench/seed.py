"""The portal benchmark's data: the demo company plus generated customers and staff.

Run by bench/portal.py in the environment of the database being filled:
``python -m bench.seed --customers 10000 --staff 50 --out credentials.json``.

Every account is opened through clientvault's own service (``open_account``: subject, data key,
sealed fields, blind indexes, audit, consent, policy acceptance, client log), as online signup
would. Only the password hashing is set aside while opening them: argon2 costs ~0.1 s a hash by
design, so the accounts are opened with a fast hasher and then all given one argon2 hash of the
same password, made with the production hasher; each sign-in then costs exactly what a real one
does. Staff logins get a support role and an authenticator whose secret goes into the
credentials file, so the load generator can type real TOTP codes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import override_settings  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402

from clientvault.accounts.models import Channel, CustomerKind, StaffRole, User  # noqa: E402
from clientvault.accounts.services.customers import open_account  # noqa: E402
from clientvault.accounts.services.staff import (  # noqa: E402
    create_staff_login,
    ensure_staff_roles,
    grant_staff_role,
)
from clientvault.accounts.services.twofactor import confirm_totp, new_totp_key  # noqa: E402
from clientvault.privacy.actors import SystemActor  # noqa: E402
from clientvault.privacy.models import PolicyVersion  # noqa: E402
from clientvault.privacy.services.policy import publish_policy  # noqa: E402
from clientvault.web.demo import load_demo  # noqa: E402

PASSWORD = "bench-Harbour-lantern-2026"
CUSTOMER_PREFIX = "bench-c"
STAFF_PREFIX = "bench-staff-"
BATCH = 200
SEED = 2026
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ACTOR = SystemActor("bench")


def _words(text: str) -> list[str]:
    return text.split()


GIVEN = _words(
    "Olivia Amelia Isla Ava Mia Grace Freya Lily Emily Sophia Ella Poppy Evie Charlotte Ivy "
    "Oliver George Noah Arthur Leo Harry Oscar Archie Henry Jack Theo Freddie Alfie Charlie "
    "Thomas Aisha Mohammed Zainab Omar Priya Arjun Wei Mei Hiroshi Yuki Ana Mateo Lucía Sofía "
    "Niamh Siobhan Ciarán Eilidh Callum Rhys Seren Dafydd Kwame Ama Chidi Ngozi Lars Ingrid"
)
FAMILY = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Robinson Thompson "
    "Evans Walker White Roberts Green Hall Thomas Clarke Jackson Wood Harris Edwards Turner "
    "Martin Cooper Hill Ward Hughes Moore Clark King Harrison Lewis Baker Lee Allen Morris "
    "Khan Scott Watson Davis Parker James Bennett Young Phillips Richardson Mitchell Bailey "
    "Carter Cook Singh Shaw Bell Collins Morgan Kelly Begum Nguyen Okafor Kowalski Murphy "
    "O'Brien"
)
# City, a telephone number pattern in a range set aside for drama, and postal codes there.
PLACES = (
    ("London", "020 7946 {:04d}", ("N1 7GR", "SW1A 2AB", "EC1A 1BB", "E1 6AN", "SE1 9SG")),
    ("Manchester", "0161 496 {:04d}", ("M1 2FF", "M1 9XY", "M4 5JD", "M15 4FN")),
    ("Leeds", "0113 496 {:04d}", ("LS1 4AP", "LS2 7HY", "LS6 1AN")),
    ("Edinburgh", "0131 496 {:04d}", ("EH1 1YZ", "EH3 9DR", "EH8 9YL")),
    ("Bristol", "0117 496 {:04d}", ("BS1 5TR", "BS8 1TH", "BS2 0JA")),
)
STREETS = "High Street,Station Road,Church Lane,Mill Road,Park Avenue,Victoria Road,Kings Road"
JOBS = ("Director", "Office manager", "IT lead", "Founder", "Operations manager")


def _person(rng: random.Random, index: int) -> dict[str, str]:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    city, phone, postcodes = rng.choice(PLACES)
    local = "".join(ch for ch in f"{given}.{family}".lower() if ch.isascii() and ch != "'")
    return {
        "given_name": given,
        "family_name": family,
        "email": f"{local}.{index}@example.net",
        "phone": phone.format(rng.randrange(1000)),
        "address_line1": f"{rng.randrange(1, 200)} {rng.choice(STREETS.split(','))}",
        "city": city,
        "postal_code": rng.choice(postcodes),
        "country": "GB",
    }


def _open(rng: random.Random, index: int, version: PolicyVersion) -> None:
    details = _person(rng, index)
    organisation = rng.random() < 0.1
    name = f"{details['family_name']} {rng.choice(('Studio', 'Consulting', 'Labs'))} Ltd"
    if organisation:
        details |= {"employer": name, "job_title": rng.choice(JOBS)}
    open_account(
        kind=CustomerKind.ORGANISATION if organisation else CustomerKind.INDIVIDUAL,
        details=details,
        username=f"{CUSTOMER_PREFIX}{index:05d}",
        password=PASSWORD,
        channel=Channel.ONLINE,
        actor=None,
        organisation_name=name if organisation else "",
        policy_version=version,
        marketing=rng.random() < 0.3,
    )


def open_customers(count: int) -> list[str]:
    rng = random.Random(SEED)
    version = publish_policy()
    started = time.monotonic()
    for first in range(0, count, BATCH):
        with transaction.atomic():
            for index in range(first, min(first + BATCH, count)):
                _open(rng, index, version)
        done = min(first + BATCH, count)
        rate = done / max(time.monotonic() - started, 1e-9)
        print(f"  {done}/{count} customers ({rate:.0f}/s)", file=sys.stderr, flush=True)
    return [f"{CUSTOMER_PREFIX}{index:05d}" for index in range(count)]


def add_staff(count: int) -> list[dict[str, str]]:
    """Support staff with an authenticator each; the secret is returned for the generator."""
    ensure_staff_roles()
    staff = []
    for index in range(count):
        username = f"{STAFF_PREFIX}{index:02d}"
        user = create_staff_login(
            username=username,
            email=f"{username}@example.com",
            first_name="Bench",
            last_name=f"Support {index}",
            password=PASSWORD,
            actor=ACTOR,
        )
        grant_staff_role(username=username, role=StaffRole.SUPPORT, actor=ACTOR)
        key = new_totp_key()
        # Confirmed with the previous time step's code, so the first sign-in may use the current.
        code = f"{TOTP(bytes.fromhex(key), step=30, digits=6, drift=-1).token():06d}"
        confirm_totp(user=user, key=key, code=code, actor=ACTOR)
        staff.append({"username": username, "totp_key": key})
    return staff


def seed(customers: int, staff: int) -> dict[str, Any]:
    load_demo()
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        names = open_customers(customers)
        logins = add_staff(staff)
    hashed = make_password(PASSWORD)  # argon2: the production hasher, now in force again
    bench = User.objects.filter(username__startswith="bench-")
    updated = bench.update(password=hashed)
    print(f"  {updated} logins given the argon2 hash", file=sys.stderr)
    return {
        "password": PASSWORD,
        "customers": names,
        "staff": logins,
        "search_names": sorted(set(FAMILY)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    credentials = seed(args.customers, args.staff)
    args.out.write_text(json.dumps(credentials))


if __name__ == "__main__":
    main()
