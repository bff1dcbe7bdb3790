"""No card number, IBAN, password or key reaches a log: every handler in settings ``LOGGING``
runs records through clientvault.privacy.logfilter.RedactingFilter.

The lines are read where they leave, from the configured handlers (pytest's ``caplog`` sees a
record before the handlers' filters do)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from clientvault.privacy.logfilter import RedactingFilter

CARD = "4242 4242 4242 4242"
HANDLERS = ("console", "django.server")


def configured_handlers() -> dict[str, logging.Handler]:
    loggers = [logging.getLogger(), logging.getLogger("django.server")]
    return {h.name: h for logger in loggers for h in logger.handlers if h.name in HANDLERS}


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    out, handlers = io.StringIO(), configured_handlers()
    before = {name: handler.setStream(out) for name, handler in handlers.items()}
    try:
        yield out
    finally:
        for name, stream in before.items():
            handlers[name].setStream(stream)


def test_a_card_number_logged_is_not_in_the_output(written):
    logging.getLogger("clientvault.anything").warning("customer wrote: pay with %s", CARD)
    assert written.getvalue() == "customer wrote: pay with [card number removed]\n"


def test_secrets_in_the_message_arguments_and_traceback_are_replaced(written):
    log = logging.getLogger("clientvault.support")
    log.error("IBAN DE89370400440532013000 and %(pw)s", {"pw": "password: hunter22"})
    try:
        raise ValueError(f"bad card {CARD}")
    except ValueError:
        log.exception("failed")
    text = written.getvalue()
    assert "IBAN [IBAN removed] and password: [password removed]" in text
    assert "bad card [card number removed]" in text
    assert "4242" not in text
    assert "hunter22" not in text
    assert "DE89" not in text


def test_the_development_servers_log_is_redacted_too(written):
    logging.getLogger("django.server").error("Bad request version (%r)", CARD.replace(" ", ""))
    assert "4242" not in written.getvalue()


def test_every_configured_handler_redacts():
    handlers = configured_handlers()
    assert set(handlers) == set(HANDLERS)
    for handler in handlers.values():
        assert isinstance(handler.filters[-1], RedactingFilter), handler.name


def test_a_record_whose_arguments_do_not_fit_is_still_written(written):
    logging.getLogger("clientvault.x").warning("two %s %s", CARD)
    assert written.getvalue() == ("two %s %s [arguments left out: they do not fit the message]\n")
