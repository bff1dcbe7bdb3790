"""Vault benchmark: seals and opens per second, and what decryption costs a staff page.

    .venv/bin/python bench/vault.py

It makes two PostgreSQL databases (``bench_vault`` and ``bench_vault_keys``), migrates them,
and runs clientvault in this process with production settings (DEBUG=0, a master key file):

- seal and open operations per second (``clientvault.privacy.vault``) on a 24-character value,
  with the subject's data key cached; first opens per second, each of a value of another
  subject whose key is read from the key store and unwrapped (as when the per-thread key cache
  has nothing for it); blind indexes per second;
- the staff record of an organisation with 50 people, opened in back-office work (every
  person's details shown, each view access-logged), through Django's test client: the page as
  served, the page with its keys not cached, and the same page with the vault's decryption
  skipped (each value read as a fixed text, no key fetched), interleaved in one run.

The databases are dropped at the end. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CACHE, DEFAULT_POSTGRES, Postgres, fresh_dir, log, production_env

DATA_DB, KEYS_DB = "bench_vault", "bench_vault_keys"
PEOPLE = 50
VALUE = "ada.lovelace@example.net"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=1.0, help="per operations-rate sample")
    parser.add_argument("--repeats", type=int, default=5, help="samples per figure (median)")
    parser.add_argument("--subjects", type=int, default=500, help="keys for first opens")
    parser.add_argument("--requests", type=int, default=20, help="page requests per variant")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL")
    return parser.parse_args()


def rate(operation: Callable[[], object], seconds: float, repeats: int) -> float:
    """The median, over ``repeats`` samples of ``seconds`` each, of operations per second."""
    samples = []
    for _ in range(repeats):
        count, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            operation()
            count += 1
        samples.append(count / elapsed)
    return round(statistics.median(samples))


def operation_rates(seconds: float, repeats: int, subjects: int) -> dict[str, float]:
    from clientvault.privacy import vault
    from clientvault.privacy.services.subjects import create_subject

    subject = create_subject(actor=None).id
    aad = f"bench.Value.text:{uuid.uuid4()}"
    token = vault.encrypt(subject, aad, VALUE)
    return {
        "seal_per_second": rate(lambda: vault.encrypt(subject, aad, VALUE), seconds, repeats),
        "open_per_second": rate(lambda: vault.decrypt(subject, aad, token), seconds, repeats),
        "open_key_from_store_per_second": first_opens(subjects, repeats),
        "blind_index_per_second": rate(lambda: vault.blind_index("bench", VALUE), seconds, repeats),
    }


def first_opens(subjects: int, repeats: int) -> float:
    """Opens per second of values whose subject's key is not cached yet: each open reads the
    key from the key store and unwraps it (the median over ``repeats`` runs)."""
    from clientvault.privacy import vault
    from clientvault.privacy.services.subjects import create_subject

    aad = "bench.Value.text:1"
    sealed = []
    for _ in range(subjects):
        subject = create_subject(actor=None).id
        sealed.append((subject, vault.encrypt(subject, aad, VALUE)))
    samples = []
    for _ in range(repeats):
        vault.reset_caches()
        vault.keyring()  # the ring itself is read once per process, not per key
        started = time.perf_counter()
        for subject, token in sealed:
            vault.decrypt(subject, aad, token)
        samples.append(subjects / (time.perf_counter() - started))
    return round(statistics.median(samples))


# --- the staff record page -----------------------------------------------------------------


def make_organisation() -> Any:
    """An organisation account with an owner and 49 authorised users, every field filled."""
    from django.test import override_settings

    from clientvault.accounts.models import Channel, CustomerKind, Permission, Person, PersonRole
    from clientvault.accounts.services.customers import open_account
    from clientvault.privacy.services.policy import publish_policy
    from clientvault.privacy.services.subjects import create_subject

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        customer = open_account(
            kind=CustomerKind.ORGANISATION,
            details=_details(0),
            username="bench-owner",
            password="bench-Harbour-lantern-2026",
            channel=Channel.ONLINE,
            actor=None,
            organisation_name="Bench Fifty Ltd",
            policy_version=publish_policy(),
        )
    for index in range(1, PEOPLE):
        Person(
            subject=create_subject(actor=None),
            customer=customer,
            role=PersonRole.AUTHORISED_USER,
            permissions=[Permission.BILLING.value],
            created_channel=Channel.ONLINE,
            **_details(index),
        ).save()
    return customer


def _details(index: int) -> dict[str, str]:
    return {
        "given_name": f"Given{index}",
        "family_name": "Fifty",
        "email": f"person{index}@bench-fifty.example",
        "phone": f"020 7946 {index:04d}",
        "address_line1": f"{index + 1} Wharf Road",
        "city": "London",
        "postal_code": "N1 7GR",
        "country": "GB",
        "employer": "Bench Fifty Ltd",
        "job_title": "Engineer",
        "department": "Platform",
        "business_phone": "020 7946 0999",
    }


def staff_client(number: str) -> Any:
    """A billing clerk's client, past the second factor, working in the back office."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.oath import TOTP

    from clientvault.accounts.models import AuthenticatorDevice, StaffRole
    from clientvault.accounts.services.staff import (
        create_staff_login,
        ensure_staff_roles,
        grant_staff_role,
    )
    from clientvault.accounts.services.twofactor import confirm_totp, new_totp_key
    from clientvault.privacy.actors import SystemActor

    ensure_staff_roles()
    actor = SystemActor("bench")
    user = create_staff_login(username="bench-clerk", email="clerk@example.com", actor=actor)
    grant_staff_role(username=user.username, role=StaffRole.BILLING, actor=actor)
    key = new_totp_key()
    confirm_totp(user=user, key=key, code=f"{TOTP(bytes.fromhex(key)).token():06d}", actor=actor)
    device = AuthenticatorDevice.objects.get(user=user, confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    chosen = client.post(
        f"/staff/customers/{number}/", {"channel": "staff", "reason": "billing_run"}
    )
    if chosen.status_code != 302:
        raise RuntimeError(f"choosing back-office work answered {chosen.status_code}")
    return client


@contextmanager
def counting_queries(counts: dict[str, float]) -> Iterator[None]:
    from django.db import connections

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            counts["queries"] += 1
            counts["query_ms"] += (time.perf_counter() - started) * 1000

    with ExitStack() as stack:
        for alias in ("default", "keys"):
            stack.enter_context(connections[alias].execute_wrapper(wrapper))
        yield


def skipped_decryption() -> Any:
    """The vault's decryption left out: every value reads as the same text, no key fetched."""
    from clientvault.privacy import vault

    return mock.patch.object(vault, "decrypt", return_value="(skipped)")


@contextmanager
def uncached_keys() -> Iterator[None]:
    """No key cached: every subject's key read from the key store and unwrapped (and the master
    key ring read again), as in a process's first request."""
    from clientvault.privacy import vault

    vault.reset_caches()
    yield


def record_page(requests: int) -> dict[str, Any]:
    from clientvault.privacy import vault

    customer = make_organisation()
    client = staff_client(customer.number)
    path = f"/staff/customers/{customer.number}/"
    variants: dict[str, Callable[[], Any]] = {
        "page": ExitStack,
        "page_keys_not_cached": uncached_keys,
        "without_decryption": skipped_decryption,
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    counts = {name: {"queries": 0.0, "query_ms": 0.0} for name in variants}
    opened = {"values": 0}
    real_decrypt = vault.decrypt

    def counted_decrypt(*args: Any) -> str:
        opened["values"] += 1
        return real_decrypt(*args)

    client.get(path)  # warm: templates compiled, keys cached
    for _ in range(requests):
        for name, variant in variants.items():
            with variant(), counting_queries(counts[name]):
                started = time.perf_counter()
                response = client.get(path)
                times[name].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code} ({name})")
    with mock.patch.object(vault, "decrypt", counted_decrypt):
        page = client.get(path).content.decode()
    if f"Given{PEOPLE - 1} Fifty" not in page:
        raise RuntimeError("the record page does not show the people's details")
    return _page_figures(times, counts, opened["values"], requests)


def _page_figures(
    times: dict[str, list[float]],
    counts: dict[str, dict[str, float]],
    values: int,
    requests: int,
) -> dict[str, Any]:
    median = {name: statistics.median(ms) for name, ms in times.items()}
    cost = median["page"] - median["without_decryption"]
    uncached = median["page_keys_not_cached"] - median["without_decryption"]
    return {
        "people": PEOPLE,
        "values_opened": values,
        "requests_per_variant": requests,
        "median_ms": {name: round(ms, 1) for name, ms in median.items()},
        "queries_per_request": {n: round(c["queries"] / requests, 1) for n, c in counts.items()},
        "query_ms_per_request": {n: round(c["query_ms"] / requests, 1) for n, c in counts.items()},
        "decryption_ms": round(cost, 1),
        "decryption_keys_not_cached_ms": round(uncached, 1),
        "decryption_share_of_page": round(cost / median["page"], 3) if median["page"] else None,
        "page_over_without_decryption": round(median["page"] / median["without_decryption"], 2),
    }


def main() -> None:
    args = parse_args()
    postgres = Postgres(args.postgres)
    postgres.create(DATA_DB)
    postgres.create(KEYS_DB)
    work = fresh_dir(CACHE / "vault")
    env = production_env(
        data_url=postgres.url(DATA_DB), keys_url=postgres.url(KEYS_DB), var_dir=work
    )
    os.environ.update(env | {"ALLOWED_HOSTS": "testserver"})
    try:
        result = measure(args)
    finally:
        _close_connections()
        postgres.drop(DATA_DB)
        postgres.drop(KEYS_DB)
    print(json.dumps(result, separators=(",", ":")), flush=True)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    log("Migrating the benchmark databases...")
    call_command("migrate", verbosity=0)
    call_command("migrate", database="keys", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    log("Timing the vault...")
    result: dict[str, Any] = {"benchmark": "vault", "cpus": os.cpu_count()}
    result["load_average_before"] = round(os.getloadavg()[0], 2)
    result |= operation_rates(args.seconds, args.repeats, args.subjects)
    log("Timing the staff record page...")
    result["staff_record_page"] = record_page(args.requests)
    return result


def _close_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
