"""What billing offers the layers above it: hooks to suspend and restore an account's services,
and to hear that an invoice was paid or cancelled.

Billing knows nothing of hosting services. Dunning calls :func:`suspend_services` once an invoice
stays unpaid past the profile's ``[billing] suspend_after_days``, and :func:`restore_services`
when a payment settles a suspended account's last overdue invoice; the hosting app registers
what each does (``register_suspension_hooks`` in its ``ready``). Each hook is
``fn(*, customer_id, invoice_id, reason, actor) -> int`` (services changed) and must be
idempotent: a dunning run killed and run again calls it again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from clientvault.privacy.actors import Actor

ServiceHook = Callable[..., int]


@dataclass(frozen=True)
class SuspensionHooks:
    suspend: ServiceHook
    restore: ServiceHook


_HOOKS: list[SuspensionHooks] = []


def register_suspension_hooks(hooks: SuspensionHooks) -> None:
    if hooks not in _HOOKS:
        _HOOKS.append(hooks)


def unregister_suspension_hooks(hooks: SuspensionHooks) -> None:
    if hooks in _HOOKS:
        _HOOKS.remove(hooks)


def suspend_services(*, customer_id: uuid.UUID, invoice_id: int, actor: Actor | None) -> int:
    return sum(
        h.suspend(customer_id=customer_id, invoice_id=invoice_id, reason="unpaid", actor=actor)
        for h in list(_HOOKS)
    )


def restore_services(*, customer_id: uuid.UUID, invoice_id: int, actor: Actor | None) -> int:
    return sum(
        h.restore(customer_id=customer_id, invoice_id=invoice_id, reason="paid", actor=actor)
        for h in list(_HOOKS)
    )


# -- invoices paid or cancelled -----------------------------------------------------------------
# The hosting app sets up what an order's invoice paid for, and cancels an order whose invoice
# is cancelled. Each hook is ``fn(*, invoice_id, actor) -> None``, called inside the transaction
# that paid or cancelled the invoice (so work it queues commits with it, or not at all); it must
# be idempotent.

InvoiceHook = Callable[..., None]


@dataclass(frozen=True)
class InvoiceHooks:
    paid: InvoiceHook
    cancelled: InvoiceHook


_INVOICE_HOOKS: list[InvoiceHooks] = []


def register_invoice_hooks(hooks: InvoiceHooks) -> None:
    if hooks not in _INVOICE_HOOKS:
        _INVOICE_HOOKS.append(hooks)


def invoice_paid(*, invoice_id: int, actor: Actor | None) -> None:
    for hooks in list(_INVOICE_HOOKS):
        hooks.paid(invoice_id=invoice_id, actor=actor)


def invoice_cancelled(*, invoice_id: int, actor: Actor | None) -> None:
    for hooks in list(_INVOICE_HOOKS):
        hooks.cancelled(invoice_id=invoice_id, actor=actor)
