"""The postal address on record for a letter, found through the privacy inventory.

The kernel's directory gives a name, an e-mail address and a number, not a postal address. The
address is read here from the first declared model (in the inventory's order) whose rows belong
to the subject directly (subject path ``subject``) and that declares ``address_line1`` and
``city`` as ``user.contact.address``: a person's own record, never a guess. With none on record,
the letter is not made and the notice says so.
"""

from __future__ import annotations

import uuid
from functools import cache

from clientvault.privacy.inventory import Declaration, Personal, registry
from clientvault.privacy.vault import Erased

ADDRESS = "user.contact.address"
LINES = ("address_line1", "address_line2", "postal_code", "city", "region", "country")


def _holds_address(declaration: Declaration) -> bool:
    fields = declaration.fields
    return declaration.subject == "subject" and all(
        isinstance(fields.get(name), Personal) and fields[name].category == ADDRESS  # type: ignore[union-attr]
        for name in ("address_line1", "city")
    )


@cache
def _sources() -> tuple[str, ...]:
    return tuple(d.label for d in registry if _holds_address(d))


def postal_lines(subject_id: uuid.UUID) -> list[str]:
    """The address lines (street, postcode and town, region, country); [] when none is held."""
    for label in _sources():
        declaration = registry.get(label)
        assert declaration is not None
        present = [n for n in LINES if n in declaration.fields]
        row = declaration.model._base_manager.filter(subject_id=subject_id).first()
        if row is not None:
            values = {n: _text(getattr(row, n, "")) for n in present}
            if values.get("address_line1") and values.get("city"):
                return _lines(values)
    return []


def _text(value: object) -> str:
    """A held value; an erased or withheld one is no address."""
    if isinstance(value, Erased) or not isinstance(value, str):
        return ""
    return value.strip()


def _lines(values: dict[str, str]) -> list[str]:
    town = " ".join(v for v in (values.get("postal_code", ""), values.get("city", "")) if v)
    lines = [values.get("address_line1", ""), values.get("address_line2", ""), town]
    lines += [values.get("region", ""), values.get("country", "")]
    return [line for line in lines if line]
