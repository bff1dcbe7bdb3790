import base64
import pickle

import pytest
from django.core import serializers
from django.core.exceptions import FieldError
from django.db import transaction
from django.test.utils import isolate_apps

from clientvault.privacy import vault
from clientvault.privacy.fields import lookup
from clientvault.privacy.models import Subject
from tests.kernelapp.helpers import make_contact, raw_column, reload, set_raw_column
from tests.kernelapp.models import Contact

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CARD = "4111111111111111"


@pytest.fixture
def ada():
    return make_contact(name="Ada Lovelace", email="Ada@Example.com", card=CARD)


def _open(contact, field):
    return Contact._meta.get_field(field).open(contact)


def test_it_round_trips_values_through_the_database(ada):
    contact = reload(ada)
    assert (contact.name, contact.email) == ("Ada Lovelace", "Ada@Example.com")
    assert _open(contact, "card_number") == CARD


def test_it_stores_only_ciphertext_in_the_database(ada):
    for column, plain in [("name", "Ada"), ("email", "Example"), ("card_number", "4111")]:
        stored = raw_column(ada, column)
        assert stored.startswith(vault.TOKEN_PREFIX)
        assert plain not in stored
    assert len(raw_column(ada, "email_index")) == 64


def test_an_empty_value_stays_empty():
    contact = make_contact(name="Bob", email="")
    assert raw_column(contact, "email") == ""
    assert raw_column(contact, "email_index") is None
    assert reload(contact).email == ""


def test_a_ciphertext_copied_into_another_field_does_not_open(ada):
    set_raw_column(ada, "email", raw_column(ada, "name"))
    contact = reload(ada)
    assert contact.name == "Ada Lovelace"
    with pytest.raises(vault.CorruptValue, match=rf"kernelapp\.Contact\.email:{ada.pk}"):
        _ = contact.email


def test_a_ciphertext_copied_into_another_row_does_not_open(ada):
    other = make_contact(name="Someone", email="someone@example.com", subject=ada.subject)
    set_raw_column(other, "name", raw_column(ada, "name"))
    with pytest.raises(vault.CorruptValue, match=rf"kernelapp\.Contact\.name:{other.pk}"):
        _ = reload(other).name


def test_a_ciphertext_copied_into_another_subjects_row_does_not_open(ada):
    other = make_contact(name="Someone", email="someone@example.com")
    set_raw_column(other, "email", raw_column(ada, "email"))
    with pytest.raises(vault.CorruptValue, match=rf"kernelapp\.Contact\.email:{other.pk}"):
        _ = reload(other).email


def _rebuilt(token, change):
    blob = base64.b64decode(token.removeprefix(vault.TOKEN_PREFIX))
    return vault.TOKEN_PREFIX + base64.b64encode(change(blob)).decode()


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda token: _rebuilt(token, lambda blob: blob[:-5]), "does not authenticate"),
        (lambda token: _rebuilt(token, lambda blob: blob[:20]), "truncated"),
        (lambda token: _rebuilt(token, lambda blob: blob[:-1] + bytes([blob[-1] ^ 1])), "authent"),
        (lambda token: token + "!!", "not base64"),
        (lambda token: "plain text", "not a vault ciphertext"),
    ],
    ids=["cut", "truncated", "altered", "not-base64", "not-a-token"],
)
def test_a_damaged_ciphertext_reads_as_a_clear_corrupt_value(ada, damage, problem):
    set_raw_column(ada, "name", damage(raw_column(ada, "name")))
    with pytest.raises(vault.CorruptValue, match=problem) as caught:
        _ = reload(ada).name
    assert f"kernelapp.Contact.name:{ada.pk}" in str(caught.value)


def test_it_refuses_plaintext_in_an_update(ada):
    with (
        pytest.raises(vault.CorruptValue, match="plaintext must not reach the database"),
        transaction.atomic(),
    ):
        Contact.objects.update(email="plain@example.com")
    assert reload(ada).email == "Ada@Example.com"


def test_it_refuses_plaintext_in_a_filter(ada):
    with pytest.raises(vault.CorruptValue, match="look values up through a blind index"):
        list(Contact.objects.filter(email="Ada@Example.com"))
    with pytest.raises(vault.CorruptValue):
        list(Contact.objects.filter(email__in=["Ada@Example.com"]))


@pytest.mark.parametrize("lookup_name", ["contains", "iexact", "startswith", "regex", "lower"])
def test_it_refuses_lookups_that_would_carry_plaintext(ada, lookup_name):
    with pytest.raises(FieldError):
        list(Contact.objects.filter(**{f"email__{lookup_name}": "ada"}))


def test_filters_for_empty_values_still_work(ada):
    make_contact(name="Bob", email="")
    assert Contact.objects.filter(email="").count() == 1
    assert Contact.objects.exclude(email="").get() == ada


def test_it_finds_a_row_by_its_normalised_email(ada):
    make_contact(name="Bob", email="bob@example.com")
    vault.reset_caches()
    assert Contact.objects.get(**lookup(Contact, "email_index", "  ADA@example.COM ")) == ada
    assert not Contact.objects.filter(**lookup(Contact, "email_index", "ada@example.org"))
    assert not Contact.objects.filter(**lookup(Contact, "email_index", "   "))


def test_the_blind_index_follows_a_changed_value(ada):
    contact = reload(ada)
    contact.email = "ada@lovelace.example"
    contact.save()
    assert not Contact.objects.filter(**lookup(Contact, "email_index", "ada@example.com"))
    assert Contact.objects.get(**lookup(Contact, "email_index", "ADA@lovelace.example")) == ada


def test_lookup_refuses_a_field_that_is_not_a_blind_index():
    with pytest.raises(TypeError, match=r"kernelapp\.Contact\.email is not a BlindIndexField"):
        lookup(Contact, "email", "x")


def test_a_restricted_field_reads_as_restricted(ada):
    contact = reload(ada)
    assert contact.card_number is vault.RESTRICTED
    assert _open(contact, "card_number") == CARD


def test_reading_values_back_into_the_row_changes_nothing_stored(ada):
    contact = reload(ada)
    before = {c: raw_column(ada, c) for c in ("name", "email", "card_number")}
    contact.full_clean()
    contact.card_number = contact.card_number  # RESTRICTED, as a form would send it back
    contact.name = contact.name
    contact.save()
    assert {c: raw_column(ada, c) for c in before} == before
    assert _open(reload(ada), "card_number") == CARD


def test_a_deferred_vault_field_loads_when_read(ada):
    vault.reset_caches()
    contact = Contact.objects.only("id", "subject").get()
    assert contact.email == "Ada@Example.com"
    assert contact.card_number is vault.RESTRICTED
    assert _open(Contact.objects.only("id", "subject").get(), "card_number") == CARD


def test_a_copied_row_is_sealed_afresh_for_its_new_primary_key(ada):
    copy = reload(ada)
    copy.pk = None
    copy.save()
    assert copy.pk != ada.pk
    assert raw_column(copy, "name") != raw_column(ada, "name")
    copy = reload(copy)
    assert (copy.name, _open(copy, "card_number")) == ("Ada Lovelace", CARD)
    assert reload(ada).name == "Ada Lovelace"


def test_a_row_moved_to_another_subject_is_sealed_under_their_key(ada):
    other = Subject.objects.create()
    contact = reload(ada)
    contact.subject = other
    contact.save()
    vault.destroy_subject_key(ada.subject_id)
    contact = reload(ada)
    assert (contact.name, _open(contact, "card_number")) == ("Ada Lovelace", CARD)


def test_text_that_looks_like_a_ciphertext_is_sealed_as_text():
    contact = make_contact(name="cv1:AAAA", email="x@example.com")
    contact.full_clean()
    assert reload(contact).name == "cv1:AAAA"


def test_a_marker_is_never_stored_as_a_value():
    with pytest.raises(vault.CorruptValue, match="marker cannot be stored"):
        make_contact(name=vault.RESTRICTED, email="x@example.com")


def test_serialising_writes_ciphertext_only(ada):
    make_contact(name="Bob", email="")
    text = serializers.serialize("json", Contact.objects.all())
    assert "Ada" not in text
    assert "4111" not in text
    assert raw_column(ada, "name") in text


def test_a_pickled_row_carries_no_plaintext(ada):
    contact = reload(ada)
    assert contact.name == "Ada Lovelace"  # opened: the plaintext is held in memory
    data = pickle.dumps(contact)
    assert b"Ada Lovelace" not in data
    assert pickle.loads(data).name == "Ada Lovelace"


@isolate_apps("tests.kernelapp")
def test_a_proxy_model_reads_and_writes_the_same_ciphertexts(ada):
    class ContactProxy(Contact):
        class Meta:
            proxy = True
            app_label = "kernelapp"

    proxied = ContactProxy.objects.get(pk=ada.pk)
    assert proxied.name == "Ada Lovelace"
    proxied.email = "ada@lovelace.example"
    proxied.save()
    assert reload(ada).email == "ada@lovelace.example"
    made = ContactProxy.objects.create(subject=ada.subject, name="Byron", email="")
    assert reload(made).name == "Byron"
