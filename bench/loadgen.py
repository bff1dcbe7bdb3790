"""The portal benchmark's load: locust, as a library, in a process of its own.

``python -m bench.loadgen config.json`` (bench/portal.py writes the config and reads the
result). Two phases:

1. Sign-in: every session signs in (customers with their password; staff with the password,
   then a TOTP code from their authenticator's secret), at most ``sign_in_concurrency`` at a
   time, so the server is kept busy without a queue hundreds deep. Sign-ins per second is the
   number signed in over the time from the first start to the last finish.
2. Browsing, once every session has signed in (or failed to): each session requests one page
   every ``sessions / rate`` seconds, starting at a random moment within the first interval,
   for ``duration`` seconds: customers the dashboard, profile, security page and the bare view
   (with and without their cookies), staff a customer search (posted, then its results page).

Each session has its own client address, sent as X-Forwarded-For (the server trusts one
proxy), as if the sessions came from different places through one reverse proxy. The server
speaks plain HTTP on 127.0.0.1 (like behind a TLS-terminating proxy) but marks its cookies
Secure, so the client sends Secure cookies over that connection too.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gevent
from gevent.event import Event
from gevent.lock import BoundedSemaphore
from locust import HttpUser, events, task
from locust.clients import HttpSession
from locust.env import Environment
from locust.exception import StopUser
from locust.log import setup_logging

from bench.stats import Sample, summary

TIMEOUT = 120  # seconds; a request slower than this counts as failed


@dataclass
class Run:
    """The shared state of one load run (one per process)."""

    config: dict[str, Any]
    customers: Iterator[str] = field(default_factory=lambda: iter(()))
    staff: Iterator[dict[str, str]] = field(default_factory=lambda: iter(()))
    addresses: Iterator[str] = field(default_factory=lambda: iter(()))
    sign_in_slots: BoundedSemaphore = field(default_factory=lambda: BoundedSemaphore(8))
    browsing: Event = field(default_factory=Event)
    samples: list[Sample] = field(default_factory=list)
    sign_ins: list[tuple[float, float, bool]] = field(default_factory=list)
    browse_window: tuple[float, float] = (0.0, 0.0)

    @property
    def interval(self) -> float:
        return float(self.config["sessions"]) / float(self.config["rate"])

    @property
    def settled(self) -> int:
        return len(self.sign_ins)


RUN = Run(config={"sessions": 1, "rate": 1})


def _addresses() -> Iterator[str]:
    for n in itertools.count(1):
        yield f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


@events.request.add_listener
def _record(
    name: str,
    response_time: float,
    response: Any = None,
    exception: BaseException | None = None,
    start_time: float = 0.0,
    **kwargs: Any,
) -> None:
    status = int(getattr(response, "status_code", 0) or 0)
    RUN.samples.append(Sample(name, start_time, response_time, status, exception is None))


def totp_code(key: str) -> str:
    """The authenticator's code now (django-otp's TOTP: 30 s steps, 6 digits)."""
    # Imported here, once locust has patched the standard library for gevent: gevent's patching
    # looks through every object alive, and django-otp brings Django's lazy settings along.
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(key), step=30, digits=6).token():06d}"


class Session(HttpUser):
    abstract = True

    def on_start(self) -> None:
        address = next(RUN.addresses)
        self.client.headers["X-Forwarded-For"] = address
        # The same place without cookies: the bare view as anyone's first request sees it.
        self.anonymous = HttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )
        self.anonymous.headers["X-Forwarded-For"] = address
        with RUN.sign_in_slots:
            started, ok = time.time(), False
            try:
                ok = self._sign_in()
            finally:  # counted even when it raised, so browsing does not wait for it
                RUN.sign_ins.append((started, time.time(), ok))
        if not ok:
            raise StopUser
        RUN.browsing.wait()
        gevent.sleep(random.uniform(0, RUN.interval))
        self.due = time.monotonic()

    def wait_time(self) -> float:
        self.due += RUN.interval
        return max(0.0, self.due - time.monotonic())

    def _sign_in(self) -> bool:
        raise NotImplementedError

    def _csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))

    def _post_password(self, username: str) -> str | None:
        """Sign in with the password; where the server sends the browser next, or None."""
        self._get("/sign-in", "sign-in form")
        form = {"csrfmiddlewaretoken": self._csrf(), "username": username}
        form["password"] = RUN.config["password"]
        return self._post("/sign-in", form, "sign-in password")

    def _send_secure_cookies(self) -> None:
        """Let the Secure cookies go over the plain local connection, as the TLS proxy would."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def _get(self, path: str, name: str, client: HttpSession | None = None) -> bool:
        self._send_secure_cookies()
        with (client or self.client).get(
            path, name=name, allow_redirects=False, timeout=TIMEOUT, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
                return False
            return True

    def _post(self, path: str, form: dict[str, str], name: str) -> str | None:
        """POST a form; the redirect's target, or None (recorded as failed) if there is none."""
        self._send_secure_cookies()
        with self.client.post(
            path, data=form, name=name, allow_redirects=False, timeout=TIMEOUT, catch_response=True
        ) as response:
            location = response.headers.get("Location")
            if response.status_code != 302 or not location:
                response.failure(f"{response.status_code} instead of a redirect")
                return None
            return str(location)


class Customer(Session):
    def _sign_in(self) -> bool:
        target = self._post_password(next(RUN.customers))
        return target is not None and not target.startswith("/sign-in")

    @task
    def dashboard(self) -> None:
        self._get("/account", "dashboard")

    @task
    def profile(self) -> None:
        self._get("/account/profile", "profile")

    @task
    def security(self) -> None:
        self._get("/security", "security")

    @task
    def bare(self) -> None:
        self._get("/bench/bare", "bare", self.anonymous)

    @task
    def bare_signed_in(self) -> None:
        self._get("/bench/bare", "bare signed in")


class Staff(Session):
    def _sign_in(self) -> bool:
        login = next(RUN.staff)
        target = self._post_password(login["username"])
        if target is None or not target.startswith("/sign-in/code"):
            return False
        form = {"csrfmiddlewaretoken": self._csrf(), "code": totp_code(login["totp_key"])}
        landing = self._post(target, form, "sign-in code")
        return landing is not None and not landing.startswith("/sign-in")

    @task
    def staff_search(self) -> None:
        query = random.choice(RUN.config["search_names"])
        form = {"csrfmiddlewaretoken": self._csrf(), "query": query}
        if self._post("/staff/", form, "staff search post") is not None:
            self._get("/staff/", "staff search")


def _control(environment: Environment) -> None:
    """Open browsing once every session has settled; stop after the duration."""
    sessions, deadline = RUN.config["sessions"], time.monotonic() + RUN.config["sign_in_timeout"]
    while RUN.settled < sessions and time.monotonic() < deadline:
        gevent.sleep(0.2)
    start = time.time()
    RUN.browsing.set()
    gevent.sleep(RUN.config["duration"])
    RUN.browse_window = (start, time.time())
    assert environment.runner is not None
    environment.runner.quit()


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    credentials = json.loads(Path(config["credentials"]).read_text())
    rng = random.Random(config["seed"])
    RUN.config = config | {
        "password": credentials["password"],
        "search_names": credentials["search_names"],
    }
    RUN.customers = iter(rng.sample(credentials["customers"], config["sessions"]))
    RUN.staff = iter(credentials["staff"])
    RUN.addresses = _addresses()
    RUN.sign_in_slots = BoundedSemaphore(config["sign_in_concurrency"])
    setup_logging("WARNING")
    Customer.host = Staff.host = config["host"]
    Staff.fixed_count = config["staff_sessions"]
    environment = Environment(user_classes=[Customer, Staff], events=events)
    runner = environment.create_local_runner()
    runner.start(config["sessions"], spawn_rate=min(100, config["sessions"]))
    controller = gevent.spawn(_control, environment)
    runner.greenlet.join()
    controller.join()
    result = summary(RUN.samples, RUN.sign_ins, RUN.browse_window)
    Path(config["out"]).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
