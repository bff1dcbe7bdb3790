"""Model fields backed by the vault.

``VaultField`` stores a value sealed with its subject's data key; the associated data binds the
ciphertext to ``app.Model.field:pk``, so the model must have a primary key set before saving (a
UUID default). Attribute access decrypts lazily; a destroyed key reads as ``ERASED``; a restricted
field reads as ``RESTRICTED`` and is opened only through ``reveal()``. Plaintext can never reach
the database by ``update()`` or a filter: the field refuses it, so lookups go through a
``BlindIndexField``.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable
from typing import Any

from django.db import models

from clientvault.privacy import vault


class Sealed:
    """A ciphertext as loaded from the database, with its plaintext once opened."""

    __slots__ = ("plain", "token")

    def __init__(self, token: str) -> None:
        self.token = token
        self.plain: str | None = None

    def __repr__(self) -> str:
        return "<Sealed>"


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


def _aad(instance: models.Model, name: str) -> str:
    return f"{instance._meta.label}.{name}:{instance.pk}"


def _subject_id(instance: models.Model, subject_field: str) -> uuid.UUID | None:
    value = getattr(instance, f"{subject_field}_id")
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class VaultDescriptor:
    def __init__(self, field: VaultField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type[Any]) -> Any:
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, Sealed):
            if self.field.restricted:
                return vault.RESTRICTED
            return self.field.open(instance)
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


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

    def open(self, instance: models.Model) -> str:
        """The plaintext (or ERASED), whatever ``restricted`` says. Used by reveal()."""
        value = instance.__dict__.get(self.attname)
        if not isinstance(value, Sealed):
            return "" if value is None else str(value)
        if value.plain is None:
            subject_id = _subject_id(instance, self.subject_field)
            value.plain = vault.decrypt(subject_id, _aad(instance, self.attname), value.token)
        return value.plain

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(vault.TOKEN_PREFIX):
            return Sealed(value)
        return value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if value is None or value == "" or isinstance(value, Sealed):
            return value
        if isinstance(value, vault.Erased):
            raise vault.CorruptValue(f"{_aad(model_instance, self.attname)}: cannot store ERASED")
        if model_instance.pk is None:
            raise vault.CorruptValue(f"{model_instance._meta.label} needs its primary key first")
        subject_id = _subject_id(model_instance, self.subject_field)
        if subject_id is None:
            raise vault.CorruptValue(
                f"{_aad(model_instance, self.attname)}: no subject to seal for"
            )
        token = vault.encrypt(subject_id, _aad(model_instance, self.attname), str(value))
        sealed = Sealed(token)
        sealed.plain = str(value)
        model_instance.__dict__[self.attname] = sealed
        return sealed

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
        value = obj.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            return value.token
        return "" if value is None else str(self.pre_save(obj, add=False).token)


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
        raw = model_instance.__dict__.get(self.source)
        if isinstance(raw, Sealed) and raw.plain is None:
            return getattr(model_instance, self.attname)  # unchanged since loaded
        source_field = model_instance._meta.get_field(self.source)
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
    assert isinstance(field, BlindIndexField)
    return {index_field: field.index(value) or "\x00no-match"}
