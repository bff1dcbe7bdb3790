"""The operator's brand, from the ``[brand]`` table of the policy profile.

::

    [brand]
    name = "Example Hosting"     # shown in the header and the home page; default: operator.name
    logo = "logo.svg"            # an image file beside the profile (or an absolute path)
    accent = "#0b5cad"           # buttons, links and highlights; white text must be readable on it
    country = "GB"               # the operator's country: its telephone numbers are shown in
                                 # national format, others in international; default storage.country

Every key is optional. The accent must be a hex colour (``#rrggbb``) on which white text, and
which as text on white, reaches WCAG AA contrast (4.5:1); a weaker one is refused at start-up,
like any profile error. The logo is read once, when the profile is, and served inside the page
as a ``data:`` image (the Content-Security-Policy allows those and nothing from elsewhere), so the
operator's file needs no route of its own and an SVG's scripts never run.

The site's colours follow from the accent (a darker shade for hover, a light tint for
backgrounds) and reach the pages as one inline style sheet, allowed by its hash in the
Content-Security-Policy (``clientvault.web.middleware``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from coloraide import Color

DEFAULT_ACCENT = "#0b5cad"
MIN_CONTRAST = 4.5  # WCAG 2.2 AA, normal text (success criterion 1.4.3)
LOGO_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
MAX_LOGO_BYTES = 100_000
KEYS = ("name", "logo", "accent", "country")


class BrandError(Exception):
    """A bad ``[brand]`` key; the profile reader adds the file and the line."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Brand:
    name: str
    accent: str
    logo: str = ""  # a data: URI, or empty for none
    country: str = ""  # ISO 3166 alpha-2: numbers of this country are shown in national format

    @cached_property
    def css(self) -> str:
        """The accent's custom properties, for an inline style sheet (see ``css_hash``)."""
        strong = _mix(self.accent, "black", 0.2)
        tint = _mix(self.accent, "white", 0.9)
        return f":root{{--accent:{self.accent};--accent-strong:{strong};--accent-tint:{tint}}}"

    @cached_property
    def css_hash(self) -> str:
        """The CSP source allowing exactly ``css`` as an inline style sheet."""
        digest = hashlib.sha256(self.css.encode()).digest()
        return f"'sha256-{base64.b64encode(digest).decode()}'"


def contrast_with_white(colour: str) -> float:
    return float(Color(colour).contrast("white", method="wcag21"))


def _mix(colour: str, other: str, amount: float) -> str:
    return str(Color(colour).mix(other, amount, space="srgb").to_string(hex=True))


def _accent(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise BrandError("accent", f"must be a hex colour such as '#0b5cad' (got {value!r})")
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        raise BrandError(
            "accent",
            f"contrast with white is {ratio:.2f}:1, WCAG AA needs at least {MIN_CONTRAST}:1: "
            f"choose a darker colour (got {value!r})",
        )
    return value.lower()


def _logo(value: Any, folder: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BrandError("logo", f"must be the path of an image file (got {value!r})")
    path = folder / value
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(LOGO_TYPES)
        raise BrandError("logo", f"must be an image file ending in {known} (got {value!r})")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BrandError("logo", f"cannot be read: {error.strerror} ({path})") from None
    if len(data) > MAX_LOGO_BYTES:
        raise BrandError("logo", f"must be at most {MAX_LOGO_BYTES // 1000} kB (got {path})")
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _country(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value):
        raise BrandError("country", f"must be a two-letter ISO 3166 country code (got {value!r})")
    return value


def parse_brand(
    table: dict[str, Any], *, folder: Path, operator_name: str, country: str = ""
) -> Brand:
    """The brand of a ``[brand]`` table (empty when the profile has none); BrandError if bad.

    ``operator_name`` and ``country`` (the storage country) are the defaults of its keys."""
    unknown = [key for key in table if key not in KEYS]
    if unknown:
        raise BrandError(unknown[0], f"unknown key (known: {', '.join(KEYS)})")
    name = table.get("name", operator_name)
    if not isinstance(name, str) or not name.strip():
        raise BrandError("name", f"must be non-empty text (got {name!r})")
    return Brand(
        name=name.strip(),
        accent=_accent(table.get("accent", DEFAULT_ACCENT)),
        logo=_logo(table["logo"], folder) if "logo" in table else "",
        country=_country(table["country"]) if "country" in table else country,
    )
