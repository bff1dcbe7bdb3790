"""Whatever a subject's values, erasure leaves none of them readable in the data database.

The scan reads every column of every declared model's table past the ORM (raw SQL), so a value
left behind in any column, sealed or not, is found.
"""

import uuid

import pytest
from django.db import connections, router
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientvault.privacy import vault
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.inventory import registry
from clientvault.privacy.models import Subject
from clientvault.privacy.routers import KEYSTORE_ALIAS
from clientvault.privacy.services.erasure import erase_subject
from tests.kernelapp.models import Contact, Household, Member, Note, Trace

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ACTOR = SystemActor("erasure-property")
# The two people's values start with a mark no word, id or hash holds and are drawn from letters
# no hexadecimal id, hash or pseudonym contains, apart from each other's, so that neither can be
# found by chance in the other's or anywhere else.
ERASED_LETTERS = "ghijklmno"
OTHER_LETTERS = "rstuvwxyz"


def values(letters):
    word = st.text(alphabet=letters, min_size=3, max_size=20).map(lambda text: f"qj{text}")
    return st.fixed_dictionaries(
        dict.fromkeys(
            ("name", "title", "handle", "body", "remark", "path", "agent", "nickname"), word
        )
        | {"invoice": st.text(alphabet="ABCDEF", min_size=3, max_size=8), "label": word}
    )


def create(found):
    subject = Subject.objects.create()
    email = f"{found['name']}@{found['title']}.example"
    Contact.objects.create(subject=subject, name=found["name"], email=email)
    Note.objects.create(
        subject=subject,
        title=found["title"],
        handle=f"{found['handle']}-{uuid.uuid4().hex}",
        body=found["body"],
        invoice_number=found["invoice"],
        remark=found["remark"],
    )
    Trace.objects.create(subject=subject, path=found["path"], agent=found["agent"])
    home = Household.objects.create(label=found["label"])
    Member.objects.create(household=home, subject=subject, nickname=found["nickname"])
    return subject


def _text(value):
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    return "" if value is None else str(value)


def raw_texts():
    """Every value of every column of every declared table in the data database."""
    connection = connections["default"]
    texts = []
    for declaration in registry:
        try:
            model = declaration.model
        except LookupError:
            continue
        if router.db_for_write(model) == KEYSTORE_ALIAS:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")
            texts += [_text(value) for row in cursor.fetchall() for value in row]
    return texts


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(erased=values(ERASED_LETTERS), other=values(OTHER_LETTERS))
def test_it_leaves_no_readable_value_of_the_erased_subject(erased, other):
    subject, kept = create(erased), create(other)
    erase_subject(subject_id=subject.pk, actor=ACTOR, reason="property")
    texts = raw_texts()
    personal = {value for key, value in erased.items() if key != "invoice"}
    left = {value for value in personal for text in texts if value in text}
    assert left == set()
    vault.reset_caches()
    note = Note.objects.get(subject=subject)
    assert note.invoice_number == erased["invoice"]  # retained for its legal basis
    other_note = Note.objects.get(subject=kept)
    assert (other_note.title, other_note.body, other_note.remark) == (
        other["title"],
        other["body"],
        other["remark"],
    )
    assert Contact.objects.get(subject=kept).name == other["name"]
    assert Trace.objects.get(subject=kept).agent == other["agent"]
    assert Member.objects.get(subject=kept).household.label == other["label"]
