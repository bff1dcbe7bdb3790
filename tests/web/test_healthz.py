from datetime import timedelta

import pytest
from django.db import OperationalError, connections
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from clientvault.privacy import crypto, vault
from clientvault.privacy.models import MasterKeyVersion
from clientvault.web import health

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

URL = "/healthz"


@task()
def nothing() -> None:
    """A task for the queue figures; never run here."""


def _rename_table(alias, model):
    connection = connections[alias]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # DDL is transactional on SQLite and PostgreSQL: the test's rollback restores the table.
        cursor.execute(
            f"ALTER TABLE {connection.ops.quote_name(table)} "
            f"RENAME TO {connection.ops.quote_name(table + '_gone')}"
        )


def test_it_answers_200_when_everything_is_up(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "key_store", "job_queue"}
    assert {check["status"] for check in body["checks"].values()} == {"up"}
    assert "no-store" in response["Cache-Control"]


def test_it_counts_ready_and_running_jobs_and_the_oldest_wait(client):
    for _ in range(3):
        nothing.enqueue()
    oldest = DBTaskResult.objects.all()[:1].get()
    DBTaskResult.objects.filter(pk=oldest.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    DBTaskResult.objects.exclude(pk=oldest.pk)[:1].get().claim("worker-1")
    queue = client.get(URL).json()["checks"]["job_queue"]
    assert (queue["ready"], queue["running"]) == (2, 1)
    assert 595 <= queue["oldest_ready_age_seconds"] <= 660


def test_it_answers_503_when_the_master_key_does_not_match_the_key_store(client, settings):
    vault.keyring()  # the key store records the fingerprint of the key in use
    vault.reset_caches()
    settings.CLIENTVAULT_MASTER_KEY_FILE = None
    settings.CLIENTVAULT_MASTER_KEY = crypto.format_entry(1, crypto.new_key())
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["failing"]) == ("down", ["key_store"])
    assert body["checks"]["key_store"]["error"].startswith("MasterKeyError")


def test_it_answers_503_when_the_key_store_tables_are_gone(client):
    _rename_table("keys", MasterKeyVersion)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["failing"] == ["key_store"]


def test_it_answers_503_when_the_job_table_is_missing(client):
    _rename_table("default", DBTaskResult)
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["job_queue"]
    assert body["checks"]["job_queue"]["error"].startswith(("OperationalError", "Programming"))
    assert body["checks"]["database"]["status"] == "up"


def test_it_answers_503_when_the_database_does_not_answer(client, monkeypatch):
    # A real outage of the test database cannot be made cheaply, so the check's query is made to
    # fail the way a lost connection does; everything else runs for real.
    real_select_one = health._select_one

    def select_one(alias):
        if alias == "default":
            raise OperationalError("connection refused")
        real_select_one(alias)

    monkeypatch.setattr(health, "_select_one", select_one)
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == {
        "status": "down",
        "error": "OperationalError",
    }


def test_it_needs_no_login_even_when_logins_are_required(client, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    assert client.get(URL).status_code == 200
