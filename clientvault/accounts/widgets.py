"""Form widgets: a select list whose options are written in Python.

Django renders every ``<option>`` through two template includes; for the list of countries
(about 250) that was most of the time of each page showing an address form, the profile
included (see bench/README.md). :class:`OptionsSelect` writes the same markup directly: the
``<select>`` keeps its attributes (id, required, aria-*), each option its value and label
(escaped as Django escapes them), the chosen one ``selected``.
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe


class OptionsSelect(forms.Select):
    """A single-choice ``<select>`` over flat choices, rendered without a template per option.

    Grouped choices fall back to Django's templates.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        options = _options(choices, set(self.format_value(value)))
        select_attrs = flatatt({"name": name, **self.build_attrs(self.attrs, attrs)})
        return mark_safe(f"<select{select_attrs}>{options}\n</select>")  # noqa: S308 (escaped)


def _options(choices: list[tuple[Any, Any]], wanted: set[str]) -> str:
    """The options' markup; only the first option matching the value is selected, as in Django."""
    parts = []
    for option_value, label in choices:
        text = "" if option_value is None else str(option_value)
        chosen = " selected" if text in wanted else ""
        if chosen:
            wanted = set()
        parts.append(
            f'\n  <option value="{html.escape(text)}"{chosen}>{html.escape(str(label))}</option>'
        )
    return "".join(parts)
