"""Model fields backed by the vault.

``VaultField`` stores a value sealed with its subject's data key; the associated data binds the
ciphertext to ``app.Model.field:pk``, so the model must have a primary key set before saving (a
UUID default). Attribute access decrypts lazily; a destroyed key reads as ``ERASED``; a restricted
field reads as ``RESTRICTED`` and is opened only through ``reveal()``. Plaintext can never reach
the database by ``update()`` or a filter: the field refuses it, so lookups go through a
``BlindIndexField``.

A loaded ciphertext remembers the row and subject it was loaded with; saved elsewhere (a copied
row, a row moved to another subject) it is opened and sealed afresh for its new place, and a
ciphertext of unknown origin is checked before it is stored. Assigning a value's own reading
back (``ERASED``, ``RESTRICTED``, or the unchanged plaintext, as forms and ``full_clean`` do)
leaves the stored ciphertext as it is.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.models.lookups import Lookup, Transform
from django.db.models.signals import post_init

from clientvault.privacy import vault

Binding = tuple[uuid.UUID | None, str]  # (subject id, associated data)

_NO_MATCH = "-"  # never equal to a blind index (64 hex digits)
_LOOKUPS = frozenset({"exact", "in", "isnull"})  # the ones that prepare (and so refuse) values
_raw_mode = threading.local()


class Sealed:
    """A ciphertext as loaded from the database, with its plaintext once opened."""

    __slots__ = ("bound", "plain", "token")

    def __init__(
        self, token: str, *, plain: str | None = None, bound: Binding | None = None
    ) -> None:
        self.token = token
        self.plain = plain
        self.bound = bound

    def __repr__(self) -> str:
        return "<Sealed>"

    def __getstate__(self) -> tuple[str, Binding | None]:
        return (self.token, self.bound)  # never the plaintext (pickled caches, copies)

    def __setstate__(self, state: tuple[str, Binding | None]) -> None:
        self.token, self.bound = state
        self.plain = None


@contextmanager
def sealed_values() -> Iterator[None]:
    """Within the block vault fields read, serialise and load as ciphertext (backups)."""
    previous = getattr(_raw_mode, "on", False)
    _raw_mode.on = True
    try:
        yield
    finally:
        _raw_mode.on = previous


def _raw() -> bool:
    return bool(getattr(_raw_mode, "on", False))


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    return re.sub(r"[^\d+]", "", value)


def normalise_text(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(folded.split())


NORMALISERS: dict[str, Callable[[str], str]] = {
    "email": normalise_email,
    "phone": normalise_phone,
    "text": normalise_text,
}


def _as_uuid(value: Any) -> uuid.UUID | None:
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _is_marker(value: Any) -> bool:
    return isinstance(value, str) and value in (vault.ERASED, vault.RESTRICTED)


class VaultDescriptor:
    def __init__(self, field: VaultField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type[Any]) -> Any:
        if instance is None:
            return self
        value = self.field.stored(instance)
        if not isinstance(value, Sealed) or _raw():
            return value
        if self.field.restricted:
            return vault.RESTRICTED
        return self.field.open(instance)

    def __set__(self, instance: models.Model, value: Any) -> None:
        name = self.field.attname
        current = instance.__dict__.get(name)
        if isinstance(current, Sealed) and not isinstance(value, Sealed):
            if _is_marker(value):
                if not instance._state.adding:
                    del instance.__dict__[name]  # read afresh from the database when next used
                return
            if current.plain is not None and value == current.plain:
                return  # its own reading: nothing changed
        instance.__dict__[name] = value


class VaultField(models.TextField):  # type: ignore[type-arg]
    """A text field sealed with the subject's data key. ``subject`` names the FK to Subject."""

    def __init__(self, *args: Any, subject: str = "subject", restricted: bool = False, **kw: Any):
        self.subject_field = subject
        self.restricted = restricted
        kw.setdefault("blank", True)
        kw.setdefault("default", "")
        super().__init__(*args, **kw)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["subject"] = self.subject_field
        if self.restricted:
            kwargs["restricted"] = True
        return name, path, args, kwargs

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, VaultDescriptor(self))
        if not cls._meta.abstract:
            post_init.connect(self._bind_loaded, sender=cls)  # as ImageField does

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        # Pattern lookups (contains, iexact, ...) would send plaintext into the query.
        return super().get_lookup(lookup_name) if lookup_name in _LOOKUPS else None

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        return None

    # --- where a value belongs ---

    def where(self, instance: models.Model) -> str:
        """The associated data: ``app.Model.field:pk``.

        ``Model`` is the model that holds the column (``self.model``), not the instance's class:
        a proxy model, or a child model inheriting the field, reads and writes the same row.
        """
        return f"{self.model._meta.label}.{self.attname}:{instance.pk}"

    def _binding(self, instance: models.Model) -> Binding:
        return self._subject_id(instance), self.where(instance)

    def _subject_id(self, instance: models.Model) -> uuid.UUID | None:
        """The subject's id, following a path of foreign keys (``payer__subject``) when the row
        reaches its subject through another row, as its inventory declaration may say."""
        *hops, last = self.subject_field.split("__")
        target: Any = instance
        for hop in hops:
            target = getattr(target, hop, None)
            if target is None:
                return None
        return _as_uuid(getattr(target, f"{last}_id"))

    def _bind_loaded(self, instance: models.Model, **kwargs: Any) -> None:
        """Remember where a loaded ciphertext was, from the loaded values only (no queries)."""
        value = instance.__dict__.get(self.attname)
        if "__" in self.subject_field:
            return  # the subject is on another row: found when the value is first opened
        subject_attname = f"{self.subject_field}_id"
        pk_attname = instance._meta.pk.attname
        loaded = subject_attname in instance.__dict__ and pk_attname in instance.__dict__
        if isinstance(value, Sealed) and value.bound is None and loaded:
            value.bound = self._binding(instance)

    def stored(self, instance: models.Model) -> Any:
        """The value as held (a :class:`Sealed` when loaded), loading a deferred field."""
        if self.attname not in instance.__dict__:
            manager = type(instance)._base_manager.db_manager(instance._state.db)
            rows = manager.filter(pk=instance.pk).values_list(self.attname, flat=True)
            instance.__dict__[self.attname] = rows.get()
            self._bind_loaded(instance)
        return instance.__dict__[self.attname]

    # --- reading ---

    def open(self, instance: models.Model) -> str:
        """The plaintext (or ERASED), whatever ``restricted`` says. Used by reveal()."""
        value = self.stored(instance)
        if not isinstance(value, Sealed):
            return "" if value is None else str(value)
        if value.plain is None:
            subject_id, aad = value.bound or self._binding(instance)
            value.plain = vault.decrypt(subject_id, aad, value.token)
            value.bound = (subject_id, aad)
        return value.plain

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def to_python(self, value: Any) -> Any:
        if _raw() and isinstance(value, str) and value.startswith(vault.TOKEN_PREFIX):
            return Sealed(value)  # a ciphertext being loaded from a backup
        return value

    # --- writing ---

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.stored(model_instance)
        if value is None or value == "":
            return value
        if isinstance(value, Sealed):
            return self._keep(model_instance, value)
        if isinstance(value, vault.Erased | vault.Restricted):
            raise vault.CorruptValue(
                f"{self.where(model_instance)}: the {value} marker cannot be stored"
            )
        return self._seal(model_instance, str(value))

    def _seal(self, instance: models.Model, plain: str) -> Sealed:
        if instance.pk is None:
            raise vault.CorruptValue(
                f"{instance._meta.label}.{self.attname}: the row needs its primary key before "
                "a vault field is sealed (give the model a UUID primary key with a default)"
            )
        subject_id, aad = self._binding(instance)
        if subject_id is None:
            raise vault.CorruptValue(f"{aad}: no subject to seal for")
        sealed = Sealed(vault.encrypt(subject_id, aad, plain), plain=plain, bound=(subject_id, aad))
        instance.__dict__[self.attname] = sealed
        return sealed

    def _keep(self, instance: models.Model, sealed: Sealed) -> Sealed:
        """A ciphertext is stored again only where it belongs; moved, it is sealed afresh."""
        here = self._binding(instance)
        if sealed.bound == here:
            return sealed
        origin = sealed.bound or here
        plain = sealed.plain if sealed.plain is not None else vault.decrypt(*origin, sealed.token)
        if isinstance(plain, vault.Erased):
            if sealed.bound is None:
                return sealed  # nothing to check it with, and unreadable anyway
            raise vault.CorruptValue(f"{here[1]}: an erased value cannot be copied here")
        if origin == here:
            sealed.plain, sealed.bound = plain, here  # checked: it authenticates here
            return sealed
        return self._seal(instance, plain)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value.token
        if value is None or value == "":
            return value
        raise vault.CorruptValue(
            f"{self.model._meta.label}.{self.name}: plaintext must not reach the database "
            "(save through the model; look values up through a blind index)"
        )

    def value_to_string(self, obj: models.Model) -> str:
        """Serialise (dumpdata, backups) as ciphertext, never as plaintext."""
        value = self.stored(obj)
        if value is None or value == "":
            return ""
        if not isinstance(value, Sealed):
            value = self.pre_save(obj, add=False)
        return str(value.token)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """A keyed hash of another VaultField's normalised plaintext, for exact lookups."""

    def __init__(self, *args: Any, source: str = "", normaliser: str = "text", **kw: Any):
        self.source = source
        self.normaliser = normaliser
        kw.setdefault("max_length", 64)
        kw.setdefault("null", True)
        kw.setdefault("blank", True)
        kw.setdefault("editable", False)
        kw.setdefault("db_index", True)
        super().__init__(*args, **kw)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, normaliser=self.normaliser)
        for key in ("max_length", "null", "blank", "editable", "db_index"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    @property
    def scope(self) -> str:
        return f"{self.model._meta.label}.{self.source}"

    def index(self, value: str) -> str | None:
        normalised = NORMALISERS[self.normaliser](value)
        return vault.blind_index(self.scope, normalised) if normalised else None

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        source_field = model_instance._meta.get_field(self.source)
        raw = model_instance.__dict__.get(self.source)
        if self.source not in model_instance.__dict__ or (
            isinstance(raw, Sealed) and raw.plain is None
        ):
            return getattr(model_instance, self.attname)  # unchanged since loaded
        plain = source_field.open(model_instance) if isinstance(source_field, VaultField) else raw
        if not plain or isinstance(plain, vault.Erased):
            value = None
        else:
            value = self.index(str(plain))
        setattr(model_instance, self.attname, value)
        return value


def lookup(model: type[models.Model], index_field: str, value: str) -> dict[str, str | None]:
    """Filter kwargs for an exact match.

    ``Model.objects.filter(**lookup(Model, "email_index", value))``
    """
    field = model._meta.get_field(index_field)
    if not isinstance(field, BlindIndexField):
        raise TypeError(f"{model._meta.label}.{index_field} is not a BlindIndexField")
    return {index_field: field.index(value) or _NO_MATCH}
