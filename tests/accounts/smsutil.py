"""Text messages in tests: a real local HTTP SMS gateway, and the worker running queued jobs.

- ``sms_gateway``: a fixture starting ``http.server`` on 127.0.0.1 at a free port in a thread
  and pointing ``CLIENTVAULT_SMS_URL`` (and ``CLIENTVAULT_SMS_TOKEN``) at it; it yields a
  :class:`Gateway` with every request received, whatever its method (``.received``), and
  ``.answer``, the HTTP status it gives (202 unless a test sets another; with ``.location`` set,
  that URL is sent as the ``Location`` of the answer, to make it a redirect).
- ``serve_gateway()``: the same server as a context manager, for a second one in a test.
- ``run_jobs(task)``: run that task's ready jobs now with django-tasks-db's own worker code
  (``Worker.run_task``: success, or failure with the exception recorded), as
  ``clientvault worker --batch`` would; how many ran.

Import the fixture into a test module (``from tests.accounts.smsutil import sms_gateway``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from clientvault.messaging.delivery import deliver_message

TOKEN = "test-gateway-token"


@dataclass
class Gateway:
    url: str
    answer: int = 202
    location: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            gateway.received.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "json": json.loads(body) if body else None,
                }
            )
            self.send_response(gateway.answer)
            if gateway.location:
                self.send_header("Location", gateway.location)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"queued": true}')

        do_GET = do_PUT = do_HEAD = do_POST

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

    return Handler


@contextmanager
def serve_gateway() -> Iterator[Gateway]:
    """A real HTTP server on 127.0.0.1 at a free port, in a thread, recording what it gets."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Gateway(url="")))
    gateway = Gateway(url=f"http://127.0.0.1:{server.server_address[1]}/v1/messages")
    server.RequestHandlerClass = _handler(gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def sms_gateway(settings: Any) -> Iterator[Gateway]:
    with serve_gateway() as gateway:
        settings.CLIENTVAULT_SMS_URL, settings.CLIENTVAULT_SMS_TOKEN = gateway.url, TOKEN
        yield gateway


def run_jobs(task: Any = deliver_message) -> int:
    """Run the task's ready jobs with the real worker's ``run_task``; how many ran."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    for job in list(DBTaskResult.objects.ready().filter(task_path=task.module_path)):
        job.claim("tests")
        worker.run_task(job)
        ran += 1
    return ran
