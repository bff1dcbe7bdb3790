"""Property: a subject's export holds every personal value of theirs and none of another's."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientvault.privacy import vault
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import Subject
from clientvault.privacy.services.export import export_subject
from tests.kernelapp.models import Contact, Visit

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

words = st.text(min_size=1, max_size=40)


@dataclass(frozen=True)
class Person:
    contacts: list[tuple[str, str, str]]  # name, e-mail, card number
    visits: list[str]  # IP addresses

    def values(self) -> set[str]:
        return {v for contact in self.contacts for v in contact} | set(self.visits)


people = st.builds(
    Person,
    contacts=st.lists(st.tuples(words, words, words), min_size=1, max_size=2),
    visits=st.lists(st.ip_addresses(v=4).map(str), max_size=2),
)


def store(person: Person) -> Subject:
    subject = Subject.objects.create()
    vault.create_subject_key(subject.id)
    for name, email, card in person.contacts:
        Contact.objects.create(subject=subject, name=name, email=email, card_number=card)
    for ip in person.visits:
        Visit.objects.create(subject=subject, ip_address=ip, at=timezone.now())
    return subject


def shown_values(export) -> set[str]:
    """The personal values shown (not a row's id, which a generated "1" could equal)."""
    return {
        str(row["cells"][field["name"]]["value"])
        for records in export["records"]
        for field in records["fields"]
        if field["personal"]
        for row in records["rows"]
        if row["cells"][field["name"]]["state"] == "shown"
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mine=people, theirs=people)
def test_it_exports_every_value_of_the_subject_and_none_of_another(mine, theirs):
    own = mine.values()
    other = theirs.values() - own  # a value both hold is legitimately in both exports
    subject = store(mine)
    store(theirs)
    vault.reset_caches()
    exported = shown_values(export_subject(subject_id=subject.id, actor=SYSTEM))
    assert own <= exported
    assert not other & exported
