import pytest

from clientvault.privacy import vault
from clientvault.privacy.models import Subject
from tests.kernelapp.models import Contact

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_round_trips_a_sealed_value():
    subject = Subject.objects.create()
    vault.create_subject_key(subject.id)
    Contact.objects.create(subject=subject, name="Ada", email="ada@example.com")
    vault.reset_caches()
    contact = Contact.objects.get()
    assert contact.name == "Ada"
    assert contact.card_number == ""
