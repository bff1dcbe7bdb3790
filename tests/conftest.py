"""Shared test set-up: kernel test app, a throwaway master key, both databases."""

from __future__ import annotations

import pytest
from hypothesis import settings

# Property tests are never timed: a loaded machine (the browser tests beside them) would turn
# hypothesis's 200 ms deadline into failures that say nothing about the code.
settings.register_profile("clientvault", deadline=None)
settings.load_profile("clientvault")


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite():
    """The live server (browser tests) answers one request at a time on SQLite.

    Its test database is in memory, and Django hands the server the test's own connection: a
    threaded server answering two requests at once (a payment gateway's webhook landing while
    "Pay now" is still in its request) runs both on that one connection, and SQLite refuses
    ("cannot open savepoint - SQL statements in progress"). Django closes each connection of a
    single-threaded server after its answer, so a browser's parallel requests simply queue.
    PostgreSQL gives each request its own connection and keeps the threaded server.
    """
    from django.conf import settings as django_settings
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialServer(WSGIServer):
        """Answers in the server's own thread, which already holds the shared connections."""

        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    if str(django_settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
        LiveServerThread.server_class = SerialServer


@pytest.fixture(autouse=True)
def _fresh_vault_caches():
    from clientvault.privacy import vault
    from clientvault.privacy.profile import current_profile

    vault.reset_caches()
    current_profile.cache_clear()
    yield
    vault.reset_caches()
    current_profile.cache_clear()


@pytest.fixture(autouse=True)
def _no_undeclared_cookie():
    """COL-8: a test whose requests set an undeclared cookie, or a preference cookie without
    consent, fails, whether through the test client or the browser tests' live server (the
    cookie middleware notes each one; CLIENTVAULT_COOKIE_VIOLATIONS is "raise" in the tests)."""
    from clientvault.privacy.middleware import violations

    violations.clear()
    yield
    found = list(violations)
    violations.clear()
    assert not found, "cookies the registry does not allow were set:\n" + "\n".join(found)
