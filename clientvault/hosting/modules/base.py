"""The server-module interface: what clientvault asks of a control panel, whatever panel it is.

Every call that changes something carries an idempotency key: the provisioning job that makes it
may be run again after a worker died or the panel timed out, and the panel must then answer with
the first call's outcome instead of creating a second account. A call either returns what the
panel now holds, or raises :class:`PanelUnavailable` (the panel did not answer: try again later)
or :class:`PanelRefused` (it answered no: trying again will not help; ``reason`` says why).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class PanelError(Exception):
    """A control panel call that did not succeed. ``reason`` is one sentence for people."""

    retryable = False

    def __init__(self, reason: str, *, code: str = "error") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class PanelUnavailable(PanelError):
    """The panel did not answer in time, or failed on its side (5xx): try again later."""

    retryable = True


class PanelRefused(PanelError):
    """The panel answered and refused (an unknown plan, usage above the new plan's limits)."""


@dataclass(frozen=True)
class PanelAccount:
    """A hosting account as the panel holds it."""

    reference: str  # the panel's own id for the account
    username: str
    domain: str
    plan: str
    status: str  # "active", "suspended" or "terminated"


@dataclass(frozen=True)
class PanelUsage:
    """What an account uses now, as the panel measures it."""

    disk_mb: int
    bandwidth_mb: int


class ServerModule(Protocol):
    key: str  # the module's setting value, e.g. "testpanel"
    label: str  # shown to staff, e.g. "Test control panel"

    def create(
        self, *, service_ref: str, domain: str, plan: str, idempotency_key: str
    ) -> PanelAccount: ...

    def suspend(self, *, service_ref: str, reason: str, idempotency_key: str) -> PanelAccount: ...

    def unsuspend(self, *, service_ref: str, idempotency_key: str) -> PanelAccount: ...

    def terminate(self, *, service_ref: str, idempotency_key: str) -> PanelAccount: ...

    def change_plan(self, *, service_ref: str, plan: str, idempotency_key: str) -> PanelAccount: ...

    def usage(self, *, service_ref: str) -> PanelUsage: ...
