"""What the test registrar does with a request: each method runs inside one store transaction.

A method takes the open transaction, the JSON body and the values taken from the path, and gives
an :class:`Answer` or raises :class:`~clientvault.testregistrar.errors.ApiError`. Checks of what
was sent come first, then the failure switch (``down-``), then the state.
"""

from __future__ import annotations

import datetime
import hmac
import secrets
import sqlite3
from collections.abc import Callable

from clientvault.localserver.server import JSON, Answer
from clientvault.testregistrar import names
from clientvault.testregistrar.contacts import Contacts, parse_contacts
from clientvault.testregistrar.errors import ApiError, not_found, unavailable
from clientvault.testregistrar.store import Store
from clientvault.testregistrar.tlds import (
    CONTACT_FIELDS,
    PUBLISHED_ROLES,
    REDACTED,
    ROLES,
    TLDS,
    Tld,
)

DAYS_LEFT_ELSEWHERE = 100  # a domain at another registrar expires this many days from today


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def new_auth_code() -> str:
    return f"EPP-{secrets.token_urlsafe(12)}"


def _years(body: JSON, tld: Tld) -> int:
    value = body.get("years", 1)
    whole = value if isinstance(value, int) and not isinstance(value, bool) else 0
    if not tld.min_years <= whole <= tld.max_years:
        raise ApiError(
            422,
            "invalid_years",
            f"years must be a whole number from {tld.min_years} to {tld.max_years}.",
        )
    return whole


def _flag(body: JSON, field: str, *, default: bool | None = None) -> bool:
    value = body.get(field, default)
    if not isinstance(value, bool):
        raise ApiError(400, "invalid_request", f"{field} must be true or false.")
    return value


def _not_allowed() -> ApiError:
    return ApiError(
        422, "id_protection_not_allowed", "The registry of this TLD does not allow ID protection."
    )


def _taken(message: str = "The domain is already registered.") -> ApiError:
    return ApiError(409, "taken", message)


def _empty_contacts() -> Contacts:
    return {role: dict.fromkeys(CONTACT_FIELDS, "") for role in ROLES}


class Operations:
    def __init__(self, store: Store, today: Callable[[], datetime.date]) -> None:
        self.store = store
        self.today = today

    # --- views ---

    def domain_view(self, domain: JSON) -> JSON:
        expires_on = datetime.date.fromisoformat(domain["expires_on"])
        status = domain["status"]
        if status == "active" and expires_on < self.today():
            status = "expired"
        return {
            "name": domain["name"],
            "status": status,
            "expires_on": expires_on.isoformat(),
            "id_protection": domain["id_protection"],
            "contacts": domain["contacts"],
        }

    def _held(self, db: sqlite3.Connection, name: str) -> JSON:
        domain = Store.domain(db, name)
        if domain is None:
            raise not_found()
        return domain

    def _saved(self, db: sqlite3.Connection, domain: JSON, *, hang: bool = False) -> Answer:
        Store.save_domain(db, domain)
        return Answer(200, self.domain_view(domain), hang=hang)

    # --- reads ---

    def policy(self, db: sqlite3.Connection, body: JSON, tld: str) -> Answer:
        found = TLDS.get(tld.lower())
        if found is None:
            raise ApiError(422, "unsupported_tld", "This registrar does not offer that TLD.")
        return Answer(200, found.view())

    def check(self, db: sqlite3.Connection, body: JSON, name: str) -> Answer:
        name, _ = names.parse(name)
        if Store.domain(db, name) is not None:
            reason = "The domain is registered at this registrar."
        elif names.elsewhere(name) is not None:
            reason = "The domain is registered at another registrar; it can be transferred in."
        else:
            return Answer(200, {"name": name, "available": True, "reason": ""})
        return Answer(200, {"name": name, "available": False, "reason": reason})

    def info(self, db: sqlite3.Connection, body: JSON, name: str) -> Answer:
        name, _ = names.parse(name)
        return Answer(200, self.domain_view(self._held(db, name)))

    def auth_code(self, db: sqlite3.Connection, body: JSON, name: str) -> Answer:
        name, _ = names.parse(name)
        domain = self._held(db, name)
        return Answer(200, {"name": name, "auth_code": domain["auth_code"]})

    def rdap(self, db: sqlite3.Connection, name: str) -> Answer:
        """The registry's public view: only the TLD's public fields, the rest redacted."""
        name, tld = names.parse(name)
        domain = self._held(db, name)
        published = tld.published(id_protection=domain["id_protection"])
        entities = [
            {
                "objectClassName": "entity",
                "roles": [role],
                "contact": {
                    field: value if field in published else REDACTED
                    for field, value in domain["contacts"][role].items()
                },
            }
            for role in PUBLISHED_ROLES
        ]
        view = self.domain_view(domain)
        return Answer(
            200,
            {
                "objectClassName": "domain",
                "ldhName": name,
                "status": [view["status"]],
                "events": [{"eventAction": "expiration", "eventDate": view["expires_on"]}],
                "id_protection": domain["id_protection"],
                "entities": entities,
            },
        )

    # --- changes ---

    def register(self, db: sqlite3.Connection, body: JSON) -> Answer:
        name, tld = names.parse(body.get("name"))
        years = _years(body, tld)
        sent = parse_contacts(body.get("contacts"))
        id_protection = _flag(body, "id_protection", default=False)
        if id_protection and not tld.id_protection_allowed:
            raise _not_allowed()
        if names.is_down(name):
            raise unavailable()
        if Store.domain(db, name) is not None or names.elsewhere(name) is not None:
            raise _taken()
        domain = {
            "name": name,
            "status": "active",
            "expires_on": add_years(self.today(), years).isoformat(),
            "id_protection": id_protection,
            "contacts": sent,
            "auth_code": new_auth_code(),
        }
        return self._saved(db, domain, hang=names.is_slow(name))

    def transfer(self, db: sqlite3.Connection, body: JSON) -> Answer:
        name, _ = names.parse(body.get("name"))
        sent = parse_contacts(body.get("contacts"))
        code = body.get("auth_code")
        if not isinstance(code, str) or not code:
            raise ApiError(422, "auth_code_invalid", "The auth code is required.")
        if names.is_down(name):
            raise unavailable()
        if Store.domain(db, name) is not None:
            raise _taken("The domain is already held at this registrar.")
        elsewhere = names.elsewhere(name)
        if elsewhere is None:
            raise ApiError(404, "not_found", "No registrar holds this domain: register it.")
        if not elsewhere.auth_code or not hmac.compare_digest(code, elsewhere.auth_code):
            raise ApiError(422, "auth_code_invalid", "The auth code is not right for the domain.")
        if elsewhere.code_expired:
            raise ApiError(
                422,
                "auth_code_expired",
                "The auth code has expired: ask the current registrar for a new one.",
            )
        expiry = self.today() + datetime.timedelta(days=DAYS_LEFT_ELSEWHERE)
        domain = {
            "name": name,
            "status": "active",
            "expires_on": add_years(expiry, 1).isoformat(),
            "id_protection": False,
            "contacts": sent,
            "auth_code": new_auth_code(),
        }
        return self._saved(db, domain, hang=names.is_slow(name))

    def renew(self, db: sqlite3.Connection, body: JSON, name: str) -> Answer:
        name, tld = names.parse(name)
        years = _years(body, tld)
        if names.is_down(name):
            raise unavailable()
        domain = self._held(db, name)
        expires_on = add_years(datetime.date.fromisoformat(domain["expires_on"]), years)
        if expires_on > add_years(self.today(), tld.max_years):
            raise ApiError(
                422,
                "invalid_years",
                f"A domain can be registered at most {tld.max_years} years ahead.",
            )
        return self._saved(db, {**domain, "status": "active", "expires_on": expires_on.isoformat()})

    def update_contacts(self, db: sqlite3.Connection, body: JSON, name: str) -> Answer:
        name, _ = names.parse(name)
        sent = parse_contacts(body.get("contacts"))
        if names.is_down(name):
            raise unavailable()
        return self._saved(db, {**self._held(db, name), "contacts": sent})

    def set_id_protection(self, db: sqlite3.Connection, body: JSON, name: str) -> Answer:
        name, tld = names.parse(name)
        enabled = _flag(body, "enabled")
        domain = self._held(db, name)
        if enabled and not tld.id_protection_allowed:
            raise _not_allowed()
        return self._saved(db, {**domain, "id_protection": enabled})

    # --- for tests and the demo ---

    def add_domain(
        self,
        db: sqlite3.Connection,
        name: str,
        *,
        contacts: Contacts | None = None,
        expires_on: datetime.date | None = None,
        id_protection: bool = False,
    ) -> JSON:
        """Put a domain in the registrar's hands directly, whatever its failure switch."""
        name, _ = names.parse(name)
        domain = {
            "name": name,
            "status": "active",
            "expires_on": (expires_on or add_years(self.today(), 1)).isoformat(),
            "id_protection": id_protection,
            "contacts": contacts if contacts is not None else _empty_contacts(),
            "auth_code": new_auth_code(),
        }
        Store.save_domain(db, domain)
        return self.domain_view(domain)
