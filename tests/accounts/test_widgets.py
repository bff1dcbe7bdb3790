"""The country list is written without a template per option, and reads as Django's would."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Template
from django.test.html import parse_html
from django.test.signals import template_rendered

from clientvault.accounts.forms.area import ProfileForm
from clientvault.accounts.forms.staff import IntakeForm
from clientvault.accounts.models import CustomerKind
from clientvault.accounts.widgets import OptionsSelect
from clientvault.privacy.services.policy import publish_policy
from tests.accounts import personas

customer = personas.customer
DB = pytest.mark.django_db(databases=["default", "keys"])
CHOICES = [("", "Choose a country"), ("GB", "United Kingdom"), ("CI", "Côte d'Ivoire & <Co>")]
ATTRS = {"id": "id_country", "required": True, "aria-describedby": "country-help", "x": False}


def _both(value: str | None, attrs: dict[str, object] | None = None) -> tuple[str, str]:
    ours = OptionsSelect(attrs={"autocomplete": "country"}, choices=CHOICES)
    django = forms.Select(attrs={"autocomplete": "country"}, choices=CHOICES)
    return ours.render("country", value, attrs), django.render("country", value, attrs)


@pytest.mark.parametrize("value", [None, "", "GB", "CI", "XX"])
def test_it_reads_as_djangos_select(value):
    ours, django = _both(value, ATTRS)
    assert parse_html(ours) == parse_html(django)


def test_it_escapes_labels_and_marks_the_choice():
    ours, _ = _both("CI")
    assert '<option value="CI" selected>Côte d&#x27;Ivoire &amp; &lt;Co&gt;</option>' in ours
    assert ours.count("selected") == 1


def test_grouped_choices_fall_back_to_djangos_templates():
    grouped = [("Europe", [("GB", "United Kingdom")]), ("", "None")]
    ours = OptionsSelect(choices=grouped).render("country", "GB")
    assert parse_html(ours) == parse_html(forms.Select(choices=grouped).render("country", "GB"))
    assert "<optgroup" in ours


def _templates_rendered(render) -> list[Template]:
    rendered: list[Template] = []

    def seen(sender, template, **kwargs):
        rendered.append(template)

    template_rendered.connect(seen)
    try:
        render()
    finally:
        template_rendered.disconnect(seen)
    return rendered


@DB
def test_the_profile_country_list_renders_no_template_per_country(customer):
    form = ProfileForm(None, person=customer)
    assert _templates_rendered(lambda: str(form["country"])) == []
    assert str(form["country"]).count("<option") > 200


@DB
def test_the_intake_country_list_renders_no_template_per_country():
    form = IntakeForm(None, policy=publish_policy(), kind=CustomerKind.INDIVIDUAL)
    assert _templates_rendered(lambda: str(form["country"])) == []
