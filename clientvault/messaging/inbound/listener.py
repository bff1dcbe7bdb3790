"""The mail listener: SMTP (or LMTP, behind a mail server) for the opt-out and bounce addresses
and the mailboxes apps register (support's).

aiosmtpd runs the protocol in an asyncio loop in its own thread. Each message is passed to
:func:`receive` through ``sync_to_async`` on one worker thread of the listener's own, so the
database is never used from the event loop, messages are taken one at a time (SQLite has one
writer), and the connections are handled as a request's would be and closed when it stops. The
answers: 250 with the outcome; the named problem with its 5xx code for bad input (552 for a
message over ``CLIENTVAULT_MAIL_MAX_BYTES``, refused as it arrives); 451 (try again later) on an
internal error, whose log line names the error's type and place, never the message. A
recipient that is not ours is refused at RCPT. aiosmtpd's own log, which quotes the
envelope's addresses at debug level, is kept to warnings.
"""

from __future__ import annotations

import logging
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

from clientvault.messaging.inbound.problems import MailRejected, TooBig, UnknownRecipient
from clientvault.messaging.inbound.receive import receive
from clientvault.messaging.inbound.routing import is_ours

logger = logging.getLogger(__name__)
TRY_LATER = "451 4.3.0 The message could not be taken now; try again later."
logging.getLogger("mail.log").setLevel(logging.WARNING)


def answer(raw: bytes, recipients: list[str]) -> str:
    """The SMTP reply to one message, after acting on it (runs in a worker thread)."""
    close_old_connections()
    try:
        return f"250 2.0.0 {receive(raw, envelope_to=recipients).summary}"
    except MailRejected as problem:
        return problem.reply()
    except Exception as error:
        place = traceback.extract_tb(error.__traceback__)[-1]
        # Not logger.exception: the error's text could quote the message.
        logger.error(
            "inbound mail: %s at %s:%s; answered 451", type(error).__name__, place[0], place[1]
        )
        return TRY_LATER
    finally:
        close_old_connections()


class Handler:
    """aiosmtpd's handler: recipients checked at RCPT, messages taken at DATA."""

    def __init__(self, *, lmtp: bool = False) -> None:
        self.lmtp = lmtp
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail-receive")

    def close(self) -> None:
        """Close the worker thread's database connections, then the thread."""
        self.worker.submit(connections.close_all).result()
        self.worker.shutdown()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if not is_ours(address):
            return UnknownRecipient().reply()
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        recipients = list(envelope.rcpt_tos)
        take = sync_to_async(answer, thread_sensitive=False, executor=self.worker)
        reply = await take(envelope.original_content or b"", recipients)
        # LMTP answers once per recipient (RFC 2033); the message is acted on once.
        return "\r\n".join([reply] * len(recipients)) if self.lmtp else reply


class _NamedLimit:
    """aiosmtpd's own refusal of a message over the size limit, with the limit named."""

    data_size_limit: int

    async def push(self, status: str | bytes) -> None:
        text = status.decode() if isinstance(status, bytes) else status
        if text.startswith("552 Error"):
            status = TooBig(self.data_size_limit).reply()
        await super().push(status)  # type: ignore[misc]


class ListenerSMTP(_NamedLimit, SMTP):  # type: ignore[misc]
    pass


class ListenerLMTP(_NamedLimit, LMTP):  # type: ignore[misc]
    pass


class Listener(Controller):
    """aiosmtpd's controller (a thread with its event loop), with the listener's protocol."""

    def __init__(self, *, host: str, port: int, lmtp: bool = False) -> None:
        super().__init__(Handler(lmtp=lmtp), hostname=host, port=port)
        self.lmtp = lmtp

    def factory(self) -> SMTP:
        protocol = ListenerLMTP if self.lmtp else ListenerSMTP
        limit = settings.CLIENTVAULT_MAIL_MAX_BYTES
        return protocol(self.handler, data_size_limit=limit, **self.SMTP_kwargs)

    def stop(self, no_assert: bool = False) -> None:
        super().stop(no_assert)
        self.handler.close()

    @property
    def url(self) -> str:
        return f"{'lmtp' if self.lmtp else 'smtp'}://{self.hostname}:{self.port}"
