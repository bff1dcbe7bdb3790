"""Secrets kept out of the logs: :class:`RedactingFilter` runs every record through the redactor.

It sits on every handler in settings ``LOGGING`` (after the route filter, which has already
folded the arguments into the message), so whatever any logger writes, a card number, IBAN,
password or key in the message, its arguments or its traceback reaches no log as typed: it is
replaced by the redactor's marker (``[card number removed]``).
"""

from __future__ import annotations

import logging

from clientvault.privacy.redaction import redact


class RedactingFilter(logging.Filter):
    """Replace the secrets in a record's message (arguments included) and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit: keep the template, drop the arguments
            message = f"{record.msg} [arguments left out: they do not fit the message]"
        redacted = redact(message)
        if redacted.changed or record.args:
            record.msg, record.args = redacted.text, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text).text
        if record.stack_info:
            record.stack_info = redact(record.stack_info).text
        return True
