"""Filling a kind's templates: the message that leaves, and the copy the outbox keeps.

The text template is rendered without HTML escaping (it is plain text); the HTML template with
it. The kept copy is rendered again with each secret replaced by a note that it was withheld, so
the outbox never stores a reset link or a code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template import Context, engines
from django.template.loader import render_to_string

from clientvault.messaging.kinds import WITHHELD, Kind
from clientvault.privacy.profile import current_profile


@dataclass(frozen=True)
class Rendered:
    headline: str
    text: str
    html: str


def common_values() -> dict[str, str]:
    """The values every message may use, from the policy profile."""
    profile = current_profile()
    return {
        "operator_name": profile.operator_name,
        "support_email": profile.support_email,
        "support_phone": profile.support_phone_display,
    }


def _headline(kind: Kind, values: dict[str, str]) -> str:
    if not kind.headline:
        return ""
    template = engines["django"].from_string(kind.headline)
    text = template.template.render(Context(values, autoescape=False))  # type: ignore[attr-defined]
    return " ".join(text.split())  # one line: a header never carries a line break


def render(kind: Kind, values: dict[str, str], *, withhold: bool = False) -> Rendered:
    """The message of ``kind`` with ``values``; ``withhold``: the secrets left out."""
    filled = {**common_values(), **values}
    if withhold:
        filled.update(dict.fromkeys(kind.secrets, WITHHELD))
    text = render_to_string(kind.text_template, filled).strip()
    if kind.channel != "email":
        return Rendered(headline="", text=text, html="")
    text += "\n"
    headline = _headline(kind, filled)
    html = render_to_string(kind.html_template, {**filled, "headline": headline, "text": text})
    return Rendered(headline=headline, text=text, html=html)
