"""Who acts: a signed-in user (customer or staff), the system itself (jobs, commands), or a data
subject exercising their own rights (the right of access)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class UserLike(Protocol):
    pk: Any
    is_staff: bool
    is_active: bool


@dataclass(frozen=True)
class SystemActor:
    name: str
    pk: None = None
    is_staff: bool = False
    is_active: bool = True


@dataclass  # not frozen: UserLike's attributes are writable (as a login's are)
class SubjectActor:
    """The data subject themselves, as when their own data is gathered for the right of access.

    Audited as ``subject:<id>``; acts in the ``customer`` role and may reveal only that subject's
    own data (see :data:`clientvault.privacy.taxonomy.SUBJECT_ACCESS`). A :class:`UserLike`
    (with no login, so no ``pk``), and so an :data:`Actor`.
    """

    subject_id: uuid.UUID
    pk: None = None
    is_staff: bool = False
    is_active: bool = True
    is_authenticated: bool = True


Actor = UserLike | SystemActor
SYSTEM = SystemActor("system")


def actor_ref(actor: Actor | None) -> str:
    if actor is None:
        return ""
    if isinstance(actor, SystemActor):
        return f"system:{actor.name}"
    if isinstance(actor, SubjectActor):
        return f"subject:{actor.subject_id}"
    return f"user:{actor.pk}"


def actor_roles(actor: Actor | None) -> set[str]:
    """The policy-profile roles of an actor: staff groups, ``customer``, or ``system``."""
    if actor is None or not actor.is_active:
        return set()
    if isinstance(actor, SystemActor):
        return {"system"}
    if isinstance(actor, SubjectActor):
        return {"customer"}
    if getattr(actor, "is_superuser", False):
        return {"administrator"} | _group_names(actor)
    if actor.is_staff:
        return _group_names(actor)
    return {"customer"}


def _group_names(actor: Any) -> set[str]:
    cached: set[str] | None = getattr(actor, "_privacy_roles", None)
    if cached is None:
        cached = set(actor.groups.values_list("name", flat=True))
        actor._privacy_roles = cached
    return cached


def primary_role(actor: Actor | None) -> str:
    roles = sorted(actor_roles(actor))
    return roles[0] if roles else ""


def login_names(refs: Iterable[str]) -> dict[str, str]:
    """The username of each audit reference (``user:<pk>``) that names a login still there:
    how back-office pages say who took a step recorded by reference."""
    from django.contrib.auth import get_user_model

    pks = {ref.removeprefix("user:") for ref in refs if ref.startswith("user:")}
    users = get_user_model()._default_manager.filter(pk__in=pks).values_list("pk", "username")
    return {f"user:{pk}": str(name) for pk, name in users}
