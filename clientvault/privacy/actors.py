"""Who acts: a signed-in user (customer or staff) or the system itself (jobs, commands)."""

from __future__ import annotations

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


Actor = UserLike | SystemActor
SYSTEM = SystemActor("system")


def actor_ref(actor: Actor | None) -> str:
    if actor is None:
        return ""
    if isinstance(actor, SystemActor):
        return f"system:{actor.name}"
    return f"user:{actor.pk}"


def actor_roles(actor: Actor | None) -> set[str]:
    """The policy-profile roles of an actor: staff groups, ``customer``, or ``system``."""
    if actor is None or not actor.is_active:
        return set()
    if isinstance(actor, SystemActor):
        return {"system"}
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
