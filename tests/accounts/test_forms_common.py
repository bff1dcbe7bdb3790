"""What forms share: fields marked required exactly where the activity's service requires them."""

import pytest
from django import forms

from clientvault.accounts.activities import PROFILE, SIGNUP
from clientvault.accounts.forms_common import apply_activity

ADDRESS = {"address_line1": "1 Main Street", "city": "Dublin", "postal_code": ""}


class AddressForm(forms.Form):
    address_line1 = forms.CharField()
    address_line2 = forms.CharField()
    city = forms.CharField()
    postal_code = forms.CharField()
    country = forms.CharField()
    note = forms.CharField(required=False)  # no activity mentions it: left as it is


def applied(data=None, prefix=None, activity=PROFILE):
    form = AddressForm(data, prefix=prefix)
    apply_activity(form, activity)
    return form


@pytest.mark.parametrize(("country", "required"), [("IE", False), ("HK", False), ("DE", True)])
def test_it_asks_for_the_postal_code_where_the_service_does(country, required):
    data = {**ADDRESS, "country": country}
    form = applied(data)
    assert form.fields["postal_code"].required is required
    assert ("postal_code" in PROFILE.missing(data)) is required
    assert form.fields["address_line1"].required
    assert not form.fields["address_line2"].required
    assert form.fields["postal_code"].label == "Postal code"


def test_it_reads_a_prefixed_forms_own_data():
    form = applied({"home-country": "IE", "home-postal_code": ""}, prefix="home")
    assert not form.fields["postal_code"].required


def test_an_unbound_form_shows_every_mandatory_field_as_required():
    form = applied()
    assert form.fields["postal_code"].required
    assert not form.fields["note"].required


def test_a_field_the_activity_does_not_name_keeps_its_own_setting():
    form = applied({**ADDRESS, "country": "IE"}, activity=SIGNUP)
    assert not form.fields["note"].required
    assert SIGNUP.required("note", {}) is False
