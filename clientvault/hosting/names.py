"""Domain names by the rules of IDNA 2008 (RFC 5890-5894, through the ``idna`` package).

A name is kept as A-labels in lower case (``xn--bcher-kva.example``); people see U-labels.
"""

from __future__ import annotations

import idna

from clientvault.hosting.errors import HostingError

MAX_LENGTH = 253


def _problem(name: str, reason: str, field: str) -> HostingError:
    return HostingError(f"The domain name “{name}” is not valid: {reason}.", field=field)


def clean_domain_name(value: str, *, field: str = "domain") -> str:
    """The name as A-labels, or a refusal that says what is wrong with it."""
    name = value.strip().rstrip(".").lower()
    if not name:
        raise HostingError("Enter a domain name, such as example.com.", field=field)
    shown = name[:80]
    if "." not in name:
        raise _problem(shown, "it needs a dot and an ending such as .com", field)
    try:
        ascii_name = idna.encode(name, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError as error:
        raise _problem(shown, _reason(error), field) from None
    if len(ascii_name) > MAX_LENGTH:
        raise _problem(shown, f"it is longer than {MAX_LENGTH} characters", field)
    if ascii_name.rsplit(".", 1)[-1].isdigit():
        raise _problem(shown, "its ending cannot be a number", field)
    return ascii_name


def _reason(error: idna.IDNAError) -> str:
    text = str(error).rstrip(".")
    if "too long" in text.lower():
        return "a part between dots is longer than 63 characters"
    if "empty" in text.lower():
        return "it has an empty part between two dots"
    if "hyphen" in text.lower():
        return "a part between dots cannot start or end with a hyphen"
    return f"IDNA 2008 does not allow it ({text})"


def display_name(name: str) -> str:
    try:
        return str(idna.decode(name))
    except idna.IDNAError:
        return name
