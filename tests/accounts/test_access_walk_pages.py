# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and access_world)
"""Every route of the project, walked by people who must not get in (the API: its own walk).

The routes come from the project's resolver, all namespaces, so a new page is walked as soon as
it exists. A route is walked unless it is listed below: OPEN_ROUTES (anyone may open them; they
are opened anonymously instead) or NOT_WALKED (each saying where it is covered). A route the walk
cannot request (unnamed, a parameter nobody taught it to fill, neither GET nor POST taken) is
reported by name, as is any route that lets someone in.

- (a) an outsider (the owner of another account) gets 404 for every object of the first
  account, and pages without an object show none of the first account's data;
- (b) an authorised user lacking a page's permission gets 403 or 404;
- (c) a customer gets 404 on every staff page (what each staff role reaches:
  test_staff_access.py);
- (d) an anonymous visitor is sent to the sign-in page.

Pages are tried with GET and POST (an empty form); a method a page does not take (405) is
refused before any object is looked at, and is not counted, but every page must take one.
Each walk collects every offending URL and reports them together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import ApiToken, Permission, Person, UserSession
from clientvault.messaging.models import Audience, Campaign, Message, Status
from clientvault.messaging.services.campaigns import create_campaign
from clientvault.privacy.actors import SYSTEM
from tests.accounts.access_world import (  # noqa: F401
    Filler,
    World,
    report,
    resolver_entries,
    shows_first_account,
    world,
)
from tests.accounts.personas import customer, outsider, sign_in  # noqa: F401
from tests.billing.methods_support import a_payment_method, a_setup_session
from tests.billing.rows import a_method, a_payment, an_invoice
from tests.hosting.rows import WALK_DOMAIN, a_domain, a_failed_call, a_service
from tests.incidents.helpers import a_call, a_letter, a_notified_incident
from tests.legal.helpers import a_walk_demand, a_walk_release
from tests.messaging.support import queue_notice
from tests.rights.helpers import a_rights_request
from tests.support.forum_fixtures import a_thread, an_abuse_message, opening
from tests.support.staff_fixtures import an_attachment, the_ticket
from tests.support.tickets import a_ticket, a_ticket_with_file

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

# Routes anyone may open without signing in, and why. Opened anonymously below; left out of the
# walks that expect a refusal. Every other route must refuse whoever has no business there.
OPEN_ROUTES = {
    "home": "the public home page",
    "healthz": "the load balancer's health check: up or not, nothing else",
    "privacy:policy": "the published privacy policy",
    "privacy:versions": "the list of published policy versions",
    "privacy:version": "one published policy version",
    "privacy:cookies": "the cookies we set and the visitor's answer about preference cookies",
    "privacy:gpc": "/.well-known/gpc.json: that the site honours Global Privacy Control",
    "accounts:login": "the sign-in form",
    "accounts:logout": "signing out: a page with the button, and nothing to sign out of yet",
    "accounts:signup": "opening an account online",
    "accounts:signup_sent": "the 'check your e-mail' page every signup ends on",
    "accounts:email_confirm_link": "gated by the signed token in the confirmation link",
    "accounts:email_confirm": "gated by the confirmation link's token kept in the session",
    "accounts:email_unconfirmed": "only for a session that gave the right password",
    "accounts:password_reset": "asking for a reset link; the same answer whether a login exists",
    "accounts:password_reset_done": "the 'link sent' page",
    "accounts:password_reset_confirm": "gated by the secret token in the link",
    "accounts:invitation_accept": "gated by the secret token in the invitation",
    "messaging:unsubscribe": "gated by the signed token in the unsubscribe link (RFC 8058)",
    "dev_mailbox": "the development mailbox: a 404 unless DEBUG is on (test_dev_mailbox.py)",
    "dev_mailbox_message": "one message of the development mailbox: a 404 unless DEBUG is on",
    "rights:public_request": "asking about personal data without a login (a code goes to the "
    "address on record)",
    "rights:public_verify": "gated by the request's random id; the page reads the same whether "
    "anyone matched, and a code only the person on record received",
    "rights:export_link": "gated by the secret in the e-mailed download link",
    "support:forum": "the public forum's categories (CTL-5: reading is public)",
    "support:forum_category": "a public forum category's threads",
    "support:thread": "a public forum thread",
    "legal:package": "gated by the secret in the link the legal team gives the authority",
    "legal:transparency": "the published transparency reports (counts only)",
}
# Reached by a secret token, not by ownership: an outsider holding the link may open it.
TOKEN_PAGES = {
    "accounts:invitation_accept",
    "accounts:password_reset_confirm",
    "accounts:email_confirm_link",
    "messaging:unsubscribe",
    "rights:public_verify",
    "rights:export_link",
    "legal:package",
}
# Pages on public objects that any signed-in member may use, whoever's they are: the outsider
# walk (a) expects no 404 from them (tests/support/test_forum_views.py).
PUBLIC_OBJECT_PAGES = {
    "support:forum_new_thread": "starting a thread in a public forum category",
    "support:forum_reply": "replying in a public forum thread",
    "support:flag_post": "reporting a public forum post for acceptable-use review",
}
# Routes not requested here, and where they are covered. An unnamed route is called
# "namespace:[its pattern]".
NOT_WALKED: dict[str, str] = {
    "billing:webhook": "the payment gateways' webhooks, POST only: gated by the gateway's "
    "signature, never by a session (tests/billing/test_webhooks.py)",
    "text_size": "the footer's larger-text switch, POST only, open to anyone: it sets a "
    "preference cookie in the visitor's own browser, nothing more (tests/web/test_text_size.py)",
}
NOT_WALKED_NAMESPACES = {
    "api-v1": "the JSON API: walked from its OpenAPI schema in test_access_walk_api.py",
}
# The back office's routes, by name: every other walked route is the customer area's.
STAFF_ROUTES = (
    "accounts:staff_",
    "rights:privacy_",
    "legal:staff_",
    "billing:staff_",
    "hosting:staff_",
    "support:staff_",
    "support:review_",
    "support:flag_message",
    "incidents:staff_",
    "traffic:staff_",
)
# Area pages a person with no permission at all must still reach (their own login and data).
NO_PERMISSION_NEEDED = {
    f"accounts:{name}"
    for name in (
        "dashboard",
        "profile",
        "profile_history",
        "security",
        "password_change",
        "security_answers",
        "sessions_end",
        "sessions_end_all",
        "report_unauthorised",
        "two_factor",
        "two_factor_setup",
        "two_factor_disable",
        "recovery_codes",
        "recovery_codes_renew",
        "profile_email",
        "organisation",
        "reauth",
        "api_tokens",
        "api_token_revoke",
        "client_log",
        "choices",
        "sent_messages",  # the person's own messages, found by their subject
        "sent_message",
    )
} | {
    f"rights:{name}"  # the person's own requests (tests/rights: the privacy permission)
    for name in (
        "privacy",
        "new_request",
        "request",
        "confirm",
        "send_code",
        "enter_code",
        "withdraw",
        "download",
    )
}
# A person's own breach notices (found by their subject), whatever their permissions.
NO_PERMISSION_NEEDED |= {"incidents:security_notices"}
# The forum: a member posts, edits and reports as themselves, whatever their permissions.
NO_PERMISSION_NEEDED |= {
    f"support:{name}"
    for name in ("forum_new_thread", "forum_reply", "forum_edit", "forum_delete", "flag_post")
}
# The permission the issue gives each page (checked against what the view declares).
EXPECTED_PERMISSION = {
    "traffic:usage": Permission.SERVICES,  # a service's usage is part of the service
    "traffic:service_usage": Permission.SERVICES,
    **{
        f"billing:{name}": Permission.BILLING
        for name in ("overview", "invoices", "invoice", "invoice_pdf", "pay", "credit", "details")
    },
    "accounts:users": Permission.CONTACTS,
    "accounts:user_invite": Permission.CONTACTS,
    "accounts:user_edit": Permission.CONTACTS,
    "accounts:user_remove": Permission.CONTACTS,
    "accounts:invitation_revoke": Permission.CONTACTS,
    **{
        f"billing:{name}": Permission.BILLING
        for name in (
            "methods",
            "method_add",
            "method_return",
            "method_sepa",
            "method_default",
            "method_remove",
        )
    },
    **{
        f"hosting:{name}": Permission.SERVICES
        for name in ("services", "service", "service_cancel", "service_plan", "order")
    },
    **{
        f"support:{name}": Permission.SUPPORT
        for name in (
            "tickets",
            "ticket_new",
            "ticket",
            "ticket_reply",
            "ticket_close",
            "ticket_rate",
            "ticket_file",
        )
    },
    **{
        f"hosting:{name}": Permission.DOMAINS
        for name in (
            "domains",
            "domain",
            "domain_renew",
            "domain_auto_renew",
            "domain_id_protection",
            "domain_auth_code",
            "domain_retry",
            "domain_contacts",
            "domain_contact",
        )
    },
}


# How to fill each route's URL parameters with the first account's objects. A route with a
# single parameter may give just the value, whatever the parameter is called.
def a_sent_message(person: Person) -> Message:
    """A message the outbox sent to ``person`` (its kept copy)."""
    message = queue_notice(person.subject, to=str(person.email))
    Message.objects.filter(pk=message.pk).update(status=Status.SENT, sent_at=timezone.now())
    return message


def a_campaign() -> Campaign:
    return create_campaign(
        name="Walk", audience=Audience.CUSTOMERS, headline="News", body="Hello", actor=SYSTEM
    )


FILLERS: dict[str, Filler] = {
    "privacy:version": lambda w: 1,
    "dev_mailbox_message": lambda w: "20260101T000000000000-000000000000",
    "accounts:password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "set-password"},
    "accounts:invitation_accept": lambda w: "not-a-real-invitation-token",
    "messaging:unsubscribe": lambda w: "not-a-real-unsubscribe-token",
    "accounts:email_confirm_link": lambda w: "not-a-real-confirmation-token",
    "accounts:sessions_end": lambda w: w.session.pk,
    "accounts:api_token_revoke": lambda w: w.token.pk,
    "accounts:user_edit": lambda w: w.colleague.pk,
    "accounts:user_remove": lambda w: w.colleague.pk,
    "accounts:invitation_revoke": lambda w: w.invitation.pk,
    "accounts:staff_customer": lambda w: w.owner.customer.number,
    "accounts:staff_status": lambda w: w.owner.customer.number,
    "accounts:staff_reseller": lambda w: w.owner.customer.number,
    "accounts:staff_identity_check": lambda w: w.owner.pk,
    "accounts:staff_reset_password": lambda w: w.owner.pk,
    "accounts:staff_intake_update": lambda w: w.owner.pk,
    "accounts:staff_report": lambda w: w.report.pk,
    "accounts:sent_message": lambda w: a_sent_message(w.owner).pk,
    "accounts:staff_campaign": lambda w: a_campaign().pk,
    "rights:public_verify": lambda w: a_rights_request(w.owner).pk,
    "rights:export_link": lambda w: {"pk": a_rights_request(w.owner).pk, "secret": "not-a-secret"},
    **{
        f"rights:{name}": lambda w: a_rights_request(w.owner).pk
        for name in (
            "request",
            "confirm",
            "send_code",
            "enter_code",
            "withdraw",
            "privacy_request",
            "privacy_send_code",
            "privacy_checked",
            "privacy_approve",
            "privacy_refuse",
            "privacy_extend",
            "privacy_retry",
        )
    },
    "rights:download": lambda w: {"pk": a_rights_request(w.owner).pk, "fmt": "json"},
    "billing:invoice": lambda w: an_invoice(w.owner).display_number,
    "billing:invoice_pdf": lambda w: an_invoice(w.owner).display_number,
    "billing:pay": lambda w: an_invoice(w.owner).display_number,
    "billing:staff_invoice": lambda w: an_invoice(w.owner).pk,
    "billing:staff_payment": lambda w: an_invoice(w.owner).pk,
    "billing:staff_credit_note": lambda w: an_invoice(w.owner).pk,
    "billing:staff_refund": lambda w: a_payment(an_invoice(w.owner), amount=100).pk,
    "billing:staff_account": lambda w: w.owner.customer.number,
    "billing:staff_credit_add": lambda w: w.owner.customer.number,
    "billing:staff_reveal_address": lambda w: a_method(w.owner, default=False).pk,
    "billing:method_return": lambda w: a_setup_session(w.owner).pk,
    "billing:method_default": lambda w: a_payment_method(w.owner, default=False).pk,
    "billing:method_remove": lambda w: a_payment_method(w.owner, default=False).pk,
    "hosting:staff_customer": lambda w: w.owner.customer.number,
    "hosting:staff_order": lambda w: w.owner.customer.number,
    **{
        f"hosting:staff_service{action}": lambda w: a_service(w.owner).reference
        for action in ("", "_suspend", "_unsuspend", "_cancel", "_plan")
    },
    "hosting:staff_call_retry": lambda w: a_failed_call(w.owner).pk,
    **{
        f"hosting:staff_domain{action}": lambda w: a_domain(w.owner).pk
        for action in ("", "_renew", "_retry")
    },
    "hosting:staff_domain_contact": lambda w: {"pk": a_domain(w.owner).pk, "role": "tech"},
    **{
        f"hosting:{name}": lambda w: a_service(w.owner).reference
        for name in ("service", "service_cancel", "service_plan")
    },
    **{
        f"hosting:{name}": lambda w: a_domain(w.owner).name
        for name in (
            "domain",
            "domain_renew",
            "domain_auto_renew",
            "domain_id_protection",
            "domain_auth_code",
            "domain_retry",
            "domain_contacts",
        )
    },
    "hosting:domain_contact": lambda w: {
        "name": a_domain(w.owner).name,
        "pk": a_domain(w.owner).tech_id,
    },
    **{
        f"support:{name}": lambda w: a_ticket(w.owner).number
        for name in ("ticket", "ticket_reply", "ticket_close", "ticket_rate")
    },
    "support:ticket_file": lambda w: _file_of(a_ticket_with_file(w.owner)),
    "support:staff_release": lambda w: a_ticket(w.owner).number,
    "support:forum_category": lambda w: a_thread(w.owner).category.slug,
    "support:forum_new_thread": lambda w: a_thread(w.owner).category.slug,
    "support:thread": lambda w: a_thread(w.owner).pk,
    "support:forum_reply": lambda w: a_thread(w.owner).pk,
    **{
        f"support:{name}": lambda w: opening(a_thread(w.owner)).pk
        for name in ("forum_edit", "forum_delete", "flag_post", "review_post")
    },
    "support:review_message": lambda w: an_abuse_message(w.owner).pk,
    "support:flag_message": lambda w: an_abuse_message(w.owner).pk,
    **{
        f"support:staff_ticket{action}": lambda w: the_ticket(w.owner).number
        for action in ("", "_reply", "_status", "_priority", "_department", "_assign", "_action")
    },
    "support:staff_ticket_file": lambda w: {
        "number": the_ticket(w.owner).number,
        "pk": an_attachment(w.owner).pk,
    },
    "support:staff_open": lambda w: w.owner.customer.number,
    **{
        f"legal:staff_demand{action}": lambda w: a_walk_demand(w.owner).pk
        for action in (
            "",
            "_review",
            "_challenge",
            "_refuse",
            "_complete",
            "_preserve",
            "_unpreserve",
            "_notice",
        )
    },
    "legal:staff_release_prepare": lambda w: a_walk_demand(w.owner).pk,
    "legal:staff_release": lambda w: a_walk_release(w.owner).pk,
    "legal:staff_release_approve": lambda w: a_walk_release(w.owner).pk,
    "legal:package": lambda w: {"pk": a_walk_release(w.owner).pk, "secret": "not-a-secret"},
    **{
        f"incidents:staff_{name}": lambda w: a_notified_incident(w.owner).pk
        for name in (
            "incident",
            "scope",
            "decide",
            "notified",
            "close",
            "draft",
            "notify",
            "letters",
            "calls",
        )
    },
    "incidents:staff_call": lambda w: a_call(w.owner),
    "traffic:service_usage": lambda w: a_service(w.owner).reference,
    "traffic:staff_traffic_site": lambda w: WALK_DOMAIN,
    "traffic:staff_traffic_export": lambda w: WALK_DOMAIN,
    "incidents:staff_letter": lambda w: a_letter(w.owner),
}


def _file_of(attachment: Any) -> dict[str, Any]:
    return {"number": attachment.message.ticket.number, "pk": attachment.pk}


# --- the routes, from the resolver ------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "accounts:login"; an unnamed route is "namespace:[its pattern]"
    namespace: str
    params: tuple[str, ...]
    view: Callable[..., Any]
    pattern: str  # its own regular expression
    named: bool
    text: str  # the whole route from the root, "api/v1/users/<person_id>"

    @property
    def kind(self) -> str:
        if self.name in OPEN_ROUTES:
            return "open"
        if self.name in NOT_WALKED or self.namespace in NOT_WALKED_NAMESPACES:
            return "elsewhere"
        return "staff" if self.name.startswith(STAFF_ROUTES) else "area"

    def url(self, world: World) -> str:
        """The route's URL filled with the first account's objects; LookupError naming it."""
        if not self.named:
            raise LookupError(f"{self.name} has no name to reverse: name it or list it")
        return reverse(self.name, kwargs=self._kwargs(world))

    def _kwargs(self, world: World) -> dict[str, Any]:
        if not self.params:
            return {}
        if self.name not in FILLERS:
            raise LookupError(
                f"the walk cannot fill {self.params} of {self.name}: add it to FILLERS"
            )
        values = FILLERS[self.name](world)
        return values if isinstance(values, dict) else {self.params[0]: values}


def project_routes() -> list[Route]:
    """Every route of the project's resolver (ROOT_URLCONF), whatever its namespace."""
    routes = []
    for namespace, text, entry in resolver_entries():
        name = entry.name or f"[{entry.pattern}]"
        params = tuple(entry.pattern.regex.groupindex)
        qualified = f"{namespace}:{name}" if namespace else name
        view, pattern = entry.callback, entry.pattern.regex.pattern
        routes.append(Route(qualified, namespace, params, view, pattern, bool(entry.name), text))
    return routes


def routes_of(*kinds: str) -> list[Route]:
    return [r for r in project_routes() if r.kind in kinds]


def declared_access(view: Callable[..., Any]) -> tuple[str, Any]:
    """What a view's decorators demand: ("person", permission), ("staff", roles) or ("", None).

    Read from the decorators' closures: ``functools.wraps`` keeps the chain in ``__wrapped__``
    and a decorator may hold the next layer in a closure cell; a function's code object keeps
    the name it was defined with (``person_required.<locals>...``) whatever ``wraps`` copied.
    """
    start: Any = view.view_class.dispatch if hasattr(view, "view_class") else view
    queue, seen = [start], set()
    while queue:
        current = queue.pop(0)
        if id(current) in seen or not callable(current):
            continue
        seen.add(id(current))
        qualname = getattr(getattr(current, "__code__", None), "co_qualname", "")
        for kind, cell in (("person", "permission"), ("staff", "roles"), ("staff", "purpose")):
            if qualname.startswith((f"{kind}_required.", f"{kind}_{cell}_required.")):
                return kind, _closure_value(current, cell)
        queue += [getattr(current, "__wrapped__", None), *_closure_functions(current)]
    return "", None


def _closure_functions(function: Any) -> list[Any]:
    cells = getattr(function, "__closure__", None) or ()
    return [c.cell_contents for c in cells if callable(getattr(c, "cell_contents", None))]


def _closure_value(function: Any, name: str) -> Any:
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or (), strict=True))
    return cells[name].cell_contents if name in cells else None


# --- requests -----------------------------------------------------------------------------------

Check = Callable[[Route, str, Any], str | None]


def _walk(world: World, routes: list[Route], client: Client, check: Check) -> list[str]:
    """Problems found by ``check`` on GET and POST of each route, and routes it cannot request.

    A method the view does not take (405) is refused before any object is looked at, so it
    tells nothing; but a route must take at least one of them, or it was not walked at all.
    """
    problems = []
    for route in routes:
        try:
            url = route.url(world)
        except LookupError as error:
            problems.append(f"{route.name}: not walked: {error}")
            continue
        answers = {"GET": client.get(url), "POST": client.post(url, {})}
        if all(response.status_code == 405 for response in answers.values()):
            problems.append(f"{url} ({route.name}): neither GET nor POST is taken")
        for method, response in answers.items():
            problem = None if response.status_code == 405 else check(route, method, response)
            if problem:
                problems.append(f"{method} {url} ({route.name}): {problem}")
    return problems


def _answers_with(*statuses: int) -> Check:
    def check(route: Route, method: str, response: Any) -> str | None:
        if response.status_code in statuses:
            return None
        return f"answered {response.status_code}, not {' or '.join(map(str, statuses))}"

    return check


def _redirects_to(*targets: str) -> Check:
    def check(route: Route, method: str, response: Any) -> str | None:
        location = response.get("Location", "") if response.status_code == 302 else ""
        if location.split("?")[0] in targets:
            return None
        return f"answered {response.status_code} {location}".strip()

    return check


# --- (a) outsiders ------------------------------------------------------------------------------


def test_an_outsider_gets_404_for_every_object_of_another_account(world, outsider):
    skipped = TOKEN_PAGES | PUBLIC_OBJECT_PAGES.keys()
    routes = [r for r in routes_of("area", "staff") if r.params and r.name not in skipped]
    client = sign_in(Client(), outsider.user)
    problems = _walk(world, routes, client, _answers_with(404))
    assert not problems, report(problems)
    assert ApiToken.objects.get(pk=world.token.pk).revoked_at is None
    assert Person.objects.filter(pk=world.colleague.pk).exists()
    assert UserSession.objects.filter(pk=world.session.pk).exists()


def test_an_outsider_sees_none_of_another_accounts_data_on_any_page(world, outsider):
    client = sign_in(Client(), outsider.user)
    problems = []
    for route in [r for r in routes_of("area", "open") if not r.params and r.named]:
        url = route.url(world)
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {url}: answered {response.status_code}")
        shown = shows_first_account(response, world)
        if shown:
            problems.append(f"GET {url} shows the other account's {shown}")
    assert not problems, report(problems)


# --- (b) authorised users lacking the permission -----------------------------------------------


def test_every_customer_page_declares_its_access():
    problems = []
    for route in routes_of("area", "staff"):
        kind, permission = declared_access(route.view)
        if route.kind == "area" and kind not in {"person", ""}:
            problems.append(f"{route.name} is a customer page but declares {kind}")
        if route.kind == "staff" and kind != "staff":
            problems.append(f"{route.name} is a staff page without staff_required")
        expected = EXPECTED_PERMISSION.get(route.name)
        if expected is not None and permission != expected:
            problems.append(f"{route.name} needs {expected}, declares {permission!r}")
    assert not problems, report(problems)


def _permission_of(route: Route) -> str | None:
    kind, permission = declared_access(route.view)
    return permission if kind == "person" else EXPECTED_PERMISSION.get(route.name)


def test_an_authorised_user_without_the_permission_gets_403_or_404(world):
    problems: list[str] = []
    for route in routes_of("area"):
        permission = _permission_of(route)
        if permission is None:
            if route.name not in NO_PERMISSION_NEEDED:
                problems.append(f"{route.name} declares no permission")
            continue
        lacking = world.member_lacking(permission, f"lacks-{route.name.replace(':', '-')}")
        client = sign_in(Client(), lacking.user)
        problems += _walk(world, [route], client, _answers_with(403, 404))
    assert not problems, report(problems)


# --- (c) customers on staff pages, (d) anonymous visitors ------------------------------------


def test_a_customer_gets_404_on_every_staff_page(world):
    client = sign_in(Client(), world.owner.user)
    problems = _walk(world, routes_of("staff"), client, _answers_with(404))
    assert not problems, report(problems)


def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(world):
    login = resolve_url(settings.LOGIN_URL)
    assert login == reverse("accounts:login"), "LOGIN_URL is not the accounts sign-in page"
    problems = _walk(world, routes_of("area", "staff"), Client(), _redirects_to(login))
    assert not problems, report(problems)


def test_open_routes_open_without_signing_in(world):
    routes = routes_of("open")
    client = Client()
    problems = []
    for route in routes:
        response = client.get(route.url(world))
        if response.status_code not in {200, 302, 404}:
            problems.append(f"GET {route.name} answered {response.status_code}")
    assert not problems, report(problems)


# --- the walk itself ----------------------------------------------------------------------------

AGREED_PAGES = {
    "accounts:login",
    "accounts:logout",
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:two_factor_disable",
    "accounts:recovery_codes",
    "accounts:recovery_codes_renew",
    "accounts:profile_email",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:reauth",
    "accounts:security",
    "accounts:password_change",
    "accounts:security_answers",
    "accounts:sessions_end",
    "accounts:sessions_end_all",
    "accounts:report_unauthorised",
    "accounts:signup",
    "accounts:dashboard",
    "accounts:profile",
    "accounts:profile_history",
    "accounts:client_log",
    "accounts:api_tokens",
    "accounts:api_token_revoke",
    "accounts:users",
    "accounts:user_invite",
    "accounts:user_edit",
    "accounts:user_remove",
    "accounts:invitation_accept",
    "accounts:staff_search",
    "accounts:staff_customer",
    "accounts:staff_intake",
    "accounts:staff_identity_check",
    "accounts:staff_reports",
    "accounts:staff_report",
    "accounts:staff_reset_password",
    "accounts:staff_status",
    "privacy:policy",
    "home",
}


def test_the_walk_covers_every_agreed_page_and_can_request_every_route(world):
    routes = project_routes()
    names = {r.name for r in routes}
    missing = sorted(AGREED_PAGES - names)
    listed = OPEN_ROUTES.keys() | NOT_WALKED.keys() | FILLERS.keys() | PUBLIC_OBJECT_PAGES.keys()
    stale = sorted(listed - names)
    unrequestable = []
    for route in [r for r in routes if r.kind != "elsewhere"]:
        try:
            route.url(world)
        except LookupError as error:
            unrequestable.append(str(error))
    assert (missing, stale, unrequestable) == ([], [], [])


@override_settings(ROOT_URLCONF="tests.accounts.walk_urls")
def test_the_walk_names_a_new_route_that_lets_anyone_in(world):
    problems = _walk(world, routes_of("area", "staff"), Client(), _redirects_to("/sign-in"))
    assert any("(walk_unlisted): answered 200" in p for p in problems), report(problems)
    assert any("walk:[walk/unnamed]: not walked" in p for p in problems), report(problems)
    assert any("walk:walk_item: not walked" in p for p in problems), report(problems)
