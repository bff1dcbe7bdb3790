"""The server module of the local test control panel (:mod:`clientvault.testpanel`), over HTTP.

It talks to the panel as to any hosting panel: JSON at ``settings.TEST_PANEL_URL`` with
``settings.TEST_PANEL_KEY`` as its bearer key, each call bounded by ``settings.HOSTING_TIMEOUT``
seconds. No answer in time, no connection, a 5xx or an answer that cannot be read is
:class:`PanelUnavailable` (the outcome is unknown: run the call again with the same idempotency
key); a 4xx is :class:`PanelRefused` with the panel's own code and sentence.

Nothing here logs a body, a domain or a service reference: only which call failed and how.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from clientvault.hosting.modules.base import (
    PanelAccount,
    PanelRefused,
    PanelUnavailable,
    PanelUsage,
)

STATUSES = {"active", "suspended", "terminated"}

logger = logging.getLogger("clientvault.hosting.modules")
JSON = dict[str, Any]


class TestPanel:
    """The :class:`~clientvault.hosting.modules.base.ServerModule` of the local test panel."""

    __test__ = False  # not a test class, whatever pytest thinks of its name
    key = "testpanel"
    label = "Test control panel"

    # --- the ServerModule protocol ---

    def create(
        self, *, service_ref: str, domain: str, plan: str, idempotency_key: str
    ) -> PanelAccount:
        body = {"service_ref": service_ref, "domain": domain, "plan": plan}
        return _account(self._post("create", "/v1/accounts", body, idempotency_key))

    def suspend(self, *, service_ref: str, reason: str, idempotency_key: str) -> PanelAccount:
        path = _account_path(service_ref, "suspend")
        return _account(self._post("suspend", path, {"reason": reason}, idempotency_key))

    def unsuspend(self, *, service_ref: str, idempotency_key: str) -> PanelAccount:
        path = _account_path(service_ref, "unsuspend")
        return _account(self._post("unsuspend", path, {}, idempotency_key))

    def terminate(self, *, service_ref: str, idempotency_key: str) -> PanelAccount:
        path = _account_path(service_ref, "terminate")
        return _account(self._post("terminate", path, {}, idempotency_key))

    def change_plan(self, *, service_ref: str, plan: str, idempotency_key: str) -> PanelAccount:
        path = _account_path(service_ref, "plan")
        return _account(self._post("change_plan", path, {"plan": plan}, idempotency_key))

    def usage(self, *, service_ref: str) -> PanelUsage:
        answer = self._call("usage", "GET", _account_path(service_ref, "usage"))
        disk, bandwidth = _megabytes(answer.get("disk_mb")), _megabytes(answer.get("bandwidth_mb"))
        if disk is None or bandwidth is None:
            raise _unreadable("usage")
        return PanelUsage(disk_mb=disk, bandwidth_mb=bandwidth)

    # --- HTTP ---

    def _post(self, what: str, path: str, body: JSON, idempotency_key: str) -> JSON:
        return self._call(what, "POST", path, body, idempotency_key)

    def _call(
        self, what: str, method: str, path: str, body: JSON | None = None, key: str = ""
    ) -> JSON:
        """The JSON of a 2xx answer; PanelRefused for a 4xx, PanelUnavailable for the rest."""
        status, raw = self._send(what, method, path, body, key)
        if status >= 500:
            logger.warning("test panel: %s: answered %s", what, status)
            error = _error(raw)
            message = error.get("message") or "it failed on its side."
            raise PanelUnavailable(
                f"The control panel could not do this now ({status}): {message}",
                code=str(error.get("code") or "unavailable"),
            )
        if status >= 300:
            error = _error(raw)
            code = str(error.get("code") or status)
            logger.info("test panel: %s: refused (%s)", what, code)
            raise PanelRefused(str(error.get("message") or "The panel gave no reason."), code=code)
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            raise _unreadable(what) from None
        if not isinstance(answer, dict):
            raise _unreadable(what)
        return answer

    def _send(
        self, what: str, method: str, path: str, body: JSON | None, key: str
    ) -> tuple[int, bytes]:
        headers = {
            "Authorization": f"Bearer {settings.TEST_PANEL_KEY}",
            "Accept": "application/json",
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        url = f"{settings.TEST_PANEL_URL}{path}"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        timeout = float(settings.HOSTING_TIMEOUT)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
                return int(answer.status), answer.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, _read_refusal(error)
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as error:
            logger.warning("test panel: %s: no answer (%s)", what, type(error).__name__)
            code, reason = _no_answer(error, timeout)
            raise PanelUnavailable(reason, code=code) from None


def _account_path(service_ref: str, action: str) -> str:
    return f"/v1/accounts/{urllib.parse.quote(service_ref, safe='')}/{action}"


def _account(answer: JSON) -> PanelAccount:
    fields = [answer.get(name) for name in ("id", "username", "domain", "plan", "status")]
    if not all(isinstance(value, str) and value for value in fields):
        raise _unreadable("account")
    reference, username, domain, plan, status = (str(value) for value in fields)
    if status not in STATUSES:
        raise _unreadable("account")
    return PanelAccount(
        reference=reference, username=username, domain=domain, plan=plan, status=status
    )


def _error(raw: bytes) -> JSON:
    """The ``error`` object of a refusal's body, or {} when there is none."""
    try:
        error = json.loads(raw).get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


def _read_refusal(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except (OSError, http.client.HTTPException):
        return b""  # the status says enough


def _no_answer(error: Exception, timeout: float) -> tuple[str, str]:
    """The code and sentence of a call that got no answer."""
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):
        unit = "second" if timeout == 1 else "seconds"
        return "timeout", f"The control panel did not answer within {timeout:g} {unit}."
    if isinstance(reason, ConnectionRefusedError):
        return "unreachable", "The control panel could not be reached: it refused the connection."
    return "unreachable", "The control panel could not be reached: the connection failed."


def _unreadable(what: str) -> PanelUnavailable:
    logger.warning("test panel: %s: the answer could not be read", what)
    return PanelUnavailable("The control panel's answer could not be read.", code="unreadable")


def _megabytes(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return int(value)
