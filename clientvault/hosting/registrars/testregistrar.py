"""The adapter for the offline test registrar (:mod:`clientvault.testregistrar`), over HTTP.

It talks to the registrar as to any registrar: JSON at ``settings.TEST_REGISTRAR_URL`` with
``settings.TEST_REGISTRAR_KEY`` as its bearer key, each call bounded by
``settings.HOSTING_TIMEOUT`` seconds. No answer in time, no connection, a 5xx or an answer that
cannot be read is :class:`RegistrarUnavailable` (the outcome is unknown: retry with the same
idempotency key; a new key for a registration that went through is told the name is taken).
A refusal is :class:`RegistrarRefused` with the registrar's code and sentence, which never
repeat what was sent. The one exception is a refused key (401): that is this side's set-up,
not the customer's request, so it is :class:`RegistrarUnavailable` too.

Contacts go out exactly as they come in (``dataclasses.asdict`` of each
:class:`~clientvault.hosting.registrars.base.ContactData`): an adapter adds nothing. Nothing
here logs a name, a contact or an auth code: only which call failed and how.
"""

from __future__ import annotations

import datetime
import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.conf import settings

from clientvault.hosting.registrars.base import (
    Availability,
    ContactData,
    RegisteredDomain,
    RegistrarRefused,
    RegistrarUnavailable,
    TldPolicy,
)

logger = logging.getLogger("clientvault.hosting.registrars")
JSON = dict[str, Any]


def _timed_out(error: BaseException) -> bool:
    reason = getattr(error, "reason", None)
    return isinstance(error, TimeoutError) or isinstance(reason, TimeoutError)


def _seconds() -> str:
    timeout = float(settings.HOSTING_TIMEOUT)
    return f"{timeout:g} second" + ("" if timeout == 1 else "s")


def _quote(name: str) -> str:
    return urllib.parse.quote(name, safe="")


class TestRegistrar:
    """The :class:`~clientvault.hosting.registrars.base.Registrar` of the local test registrar."""

    __test__ = False  # not a test class, whatever pytest thinks of its name
    key = "testregistrar"
    label = "Test Registrar Ltd"

    # --- HTTP ---

    def _send(self, what: str, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(  # noqa: S310  (the configured registrar)
                request, timeout=settings.HOSTING_TIMEOUT
            ) as answer:
                return int(answer.status), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as error:
            logger.warning("test registrar: %s: no answer (%s)", what, type(error).__name__)
            if _timed_out(error):
                raise RegistrarUnavailable(
                    f"The registrar did not answer within {_seconds()}.", code="timeout"
                ) from None
            raise RegistrarUnavailable(
                "The registrar could not be reached; try again later.", code="unreachable"
            ) from None

    def _call(
        self, what: str, method: str, path: str, body: JSON | None = None, key: str = ""
    ) -> JSON:
        """The JSON of a 2xx answer; RegistrarUnavailable or RegistrarRefused otherwise."""
        headers = {"Accept": "application/json"}
        if not path.startswith("/rdap/"):
            headers["Authorization"] = f"Bearer {settings.TEST_REGISTRAR_KEY}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        url = f"{settings.TEST_REGISTRAR_URL}{path}"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        status, raw = self._send(what, request)
        answer = self._parse(what, status, raw)
        if status >= 300:
            raise self._refused(what, status, answer)
        return answer

    @staticmethod
    def _parse(what: str, status: int, raw: bytes) -> JSON:
        if status >= 500:
            logger.warning("test registrar: %s: answered %s", what, status)
            raise RegistrarUnavailable(
                f"The registrar is not working at the moment (it answered {status}); "
                "try again later.",
                code="unavailable",
            )
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            logger.warning("test registrar: %s: unreadable answer (%s)", what, status)
            raise _garbled()
        return parsed

    @staticmethod
    def _refused(what: str, status: int, answer: JSON) -> RegistrarUnavailable | RegistrarRefused:
        error = answer.get("error")
        error = error if isinstance(error, dict) else {}
        code = str(error.get("code") or status)
        message = str(error.get("message") or "The registrar refused without a reason.")
        logger.info("test registrar: %s: refused (%s)", what, code)
        if status == 401:
            return RegistrarUnavailable(
                "The registrar refused clientvault's key: check TEST_REGISTRAR_KEY.",
                code="unauthorized",
            )
        return RegistrarRefused(message, code=code)

    # --- the Registrar protocol ---

    def policy(self, tld: str) -> TldPolicy:
        answer = self._call("policy", "GET", f"/v1/tlds/{_quote(tld)}")
        return _policy(answer)

    def check(self, name: str) -> Availability:
        query = urllib.parse.urlencode({"name": name})
        answer = self._call("check", "GET", f"/v1/domains/check?{query}")
        return Availability(
            name=str(answer.get("name", name)),
            available=answer.get("available") is True,
            reason=str(answer.get("reason") or ""),
        )

    def register(
        self,
        *,
        name: str,
        years: int,
        contacts: Mapping[str, ContactData],
        id_protection: bool,
        idempotency_key: str,
    ) -> RegisteredDomain:
        body = {
            "name": name,
            "years": years,
            "contacts": _contacts(contacts),
            "id_protection": id_protection,
        }
        return _domain(self._call("register", "POST", "/v1/domains", body, idempotency_key))

    def transfer(
        self,
        *,
        name: str,
        auth_code: str,
        contacts: Mapping[str, ContactData],
        idempotency_key: str,
    ) -> RegisteredDomain:
        body = {"name": name, "auth_code": auth_code, "contacts": _contacts(contacts)}
        return _domain(self._call("transfer", "POST", "/v1/transfers", body, idempotency_key))

    def renew(self, *, name: str, years: int, idempotency_key: str) -> RegisteredDomain:
        path = f"/v1/domains/{_quote(name)}/renew"
        return _domain(self._call("renew", "POST", path, {"years": years}, idempotency_key))

    def update_contacts(
        self, *, name: str, contacts: Mapping[str, ContactData], idempotency_key: str
    ) -> RegisteredDomain:
        path = f"/v1/domains/{_quote(name)}/contacts"
        body = {"contacts": _contacts(contacts)}
        return _domain(self._call("update contacts", "PUT", path, body, idempotency_key))

    def set_id_protection(self, *, name: str, enabled: bool) -> RegisteredDomain:
        path = f"/v1/domains/{_quote(name)}/id_protection"
        return _domain(self._call("ID protection", "PUT", path, {"enabled": enabled}))

    def auth_code(self, *, name: str) -> str:
        answer = self._call("auth code", "GET", f"/v1/domains/{_quote(name)}/auth_code")
        code = answer.get("auth_code")
        if not isinstance(code, str) or not code:
            raise _garbled()
        return code

    def info(self, *, name: str) -> RegisteredDomain:
        return _domain(self._call("info", "GET", f"/v1/domains/{_quote(name)}"))

    # --- beyond the protocol ---

    def rdap_public(self, name: str) -> JSON:
        """What the registry publishes about the domain, to anyone (its RDAP answer)."""
        return self._call("RDAP", "GET", f"/rdap/domain/{_quote(name)}")


def _contacts(contacts: Mapping[str, ContactData]) -> JSON:
    return {role: asdict(contact) for role, contact in contacts.items()}


def _garbled() -> RegistrarUnavailable:
    return RegistrarUnavailable("The registrar's answer could not be read.", code="garbled")


def _policy(answer: JSON) -> TldPolicy:
    try:
        return TldPolicy(
            tld=str(answer["tld"]),
            public_fields=tuple(str(field) for field in answer["public_fields"]),
            id_protection_allowed=answer["id_protection_allowed"] is True,
            min_years=int(answer["min_years"]),
            max_years=int(answer["max_years"]),
        )
    except (KeyError, TypeError, ValueError):
        raise _garbled() from None


def _domain(answer: JSON) -> RegisteredDomain:
    try:
        return RegisteredDomain(
            name=str(answer["name"]),
            status=str(answer["status"]),
            expires_on=datetime.date.fromisoformat(str(answer["expires_on"])),
            id_protection=answer["id_protection"] is True,
        )
    except (KeyError, TypeError, ValueError):
        raise _garbled() from None
