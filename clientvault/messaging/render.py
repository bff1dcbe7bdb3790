"""Filling a kind's templates: the message that leaves, and the copy the outbox keeps.

The text template is rendered without HTML escaping (it is plain text); the HTML template with
it. The kept copy is rendered again with each secret replaced by a note that it was withheld, so
the outbox never stores a reset link or a code. A campaign brings its own subject line and text
(template strings written by staff) in place of the kind's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template import Context, engines
from django.template.loader import render_to_string

from clientvault.messaging.kinds import WITHHELD, Kind
from clientvault.privacy.profile import current_profile


@dataclass(frozen=True)
class Rendered:
    headline: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)  # those the kind declares


@dataclass(frozen=True)
class Copy:
    """A campaign's own subject line and text (template strings), in place of the kind's."""

    headline: str
    text: str


def common_values() -> dict[str, str]:
    """The values every message may use, from the policy profile."""
    profile = current_profile()
    return {
        "operator_name": profile.operator_name,
        "support_email": profile.support_email,
        "support_phone": profile.support_phone_display,
        "privacy_contact": profile.privacy_contact,
    }


def fill(source: str, values: dict[str, str]) -> str:
    """A template string filled in as plain text (no HTML escaping)."""
    template = engines["django"].from_string(source).template  # type: ignore[attr-defined]
    return str(template.render(Context(values, autoescape=False)))


def render(
    kind: Kind, values: dict[str, str], *, withhold: bool = False, copy: Copy | None = None
) -> Rendered:
    """The message of ``kind`` with ``values``; ``withhold``: the secrets left out; ``copy``: a
    campaign's subject line and text instead of the kind's templates."""
    filled = {**common_values(), **values}
    if withhold:
        filled.update(dict.fromkeys(kind.secrets, WITHHELD))
    source = copy.text if copy else None
    text = fill(source, filled) if source else render_to_string(kind.text_template, filled)
    text = text.strip()
    if kind.channel != "email":
        return Rendered(headline="", text=text, html="")
    text += "\n"
    headline = " ".join(fill(copy.headline if copy else kind.headline, filled).split())
    html = render_to_string(kind.html_template, {**filled, "headline": headline, "text": text})
    return Rendered(headline=headline, text=text, html=html, headers=kind.headers(values))
