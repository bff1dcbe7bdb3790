"""The migration that confirms e-mail addresses and seals organisations' details: each
organisation's name moves into the vault, and the people already there keep signing in."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clientvault.accounts.models import Customer, Person
from clientvault.accounts.services.staff import search_customers
from clientvault.privacy import vault

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "keys"])
NAME = "_confirm_email_and_organisations"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def before_and_after() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The accounts migration this one follows, and the newest of every app (whatever their
    numbers): going back unapplies the migrations of apps that depend on accounts (billing),
    and going forward must apply them again for the tests that follow."""
    graph = MigrationExecutor(connection).loader.graph
    [mine] = [k for k in graph.nodes if k[0] == "accounts" and k[1].endswith(NAME)]
    parents = [p.key for p in graph.node_map[mine].parents if p.key[0] == "accounts"]
    return parents, graph.leaf_nodes()


def test_it_seals_organisation_names_and_confirms_existing_addresses():
    before, after = before_and_after()
    old = migrate(before)
    Subject = old.get_model("privacy", "Subject")
    subject = Subject.objects.create()
    vault.create_subject_key(subject.pk)
    account = old.get_model("accounts", "Customer").objects.create(
        kind="organisation",
        number="CV-1234567",
        organisation_name="Orbit Analytics Ltd",
        created_channel="online",
    )
    old.get_model("accounts", "Person")(
        subject=subject, customer=account, role="owner", created_channel="online", given_name="Omar"
    ).save()
    migrate(after)
    customer = Customer.objects.get(number="CV-1234567")
    assert customer.organisation_name == "Orbit Analytics Ltd"
    assert customer.organisation.subject_id == subject.pk
    assert [c.number for c in search_customers(query="orbit analytics")] == ["CV-1234567"]
    person = Person.objects.get(customer=customer)
    assert person.email_confirmed_at == person.created_at
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM accounts_organisation")
        assert "Orbit" not in cursor.fetchone()[0]
