"""Kinds of message: declared once, their templates use only the values they declare."""

from __future__ import annotations

import pytest
from django.template.loader import get_template

from clientvault.messaging.kinds import (
    TemplateProblem,
    all_kinds,
    check_template,
    declare,
    template_variables,
)
from clientvault.messaging.models import Category


def _source(name: str) -> str:
    return str(get_template(name).template.source)


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.key)
def test_every_declared_template_uses_only_its_kinds_values(kind):
    check_template(_source(kind.text_template), kind.allowed, label=kind.text_template)
    check_template(kind.headline, kind.allowed, label=f"{kind.key} headline")


def test_the_values_of_a_template_are_found_in_tags_and_filters():
    source = "{% if a and not e %}{{ b|default:f }}{% endif %}{{ 'lit' }}{{ c.d }}"
    source += "{% for x in g %}{{ x }}{% endfor %}"
    assert template_variables(source) == {"a", "b", "c", "e", "f", "g"}


def test_a_template_with_an_unknown_value_is_refused_naming_it():
    with pytest.raises(TemplateProblem, match=r"offer body: unknown value \{\{ price \}\}"):
        check_template("Only {{ price }} today", {"given_name"}, label="offer body")


def test_a_kind_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        declare("kernelapp.offer", category=Category.MARKETING, text_template="x.txt")


def test_a_kind_needs_a_known_category():
    with pytest.raises(ValueError, match="unknown category 'junk'"):
        declare("kernelapp.junk", category="junk", text_template="x.txt")
