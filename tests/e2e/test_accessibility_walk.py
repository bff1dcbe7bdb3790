# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and access_world)
"""Every page of the site passes axe-core's WCAG 2.2 AA rules, on a desktop and on a phone.

Each visitor walks its list of pages in one browser context, signed in once: anonymous visitors
the public pages, the owner of an account the whole customer area, an authorised user without
the contacts permission the pages it is refused, and each staff role the back office (the pages
its role may not open show the refusal page, which is checked too). A page marked ``submit`` is
checked again after its form is sent empty, with its error messages showing. Each page is checked
at 1280 and at 390 pixels wide; every violation of every page is reported together.

With CLIENTVAULT_WALK_SHOTS=1 each page is also saved, whole, at both widths, as
/tmp/shots/walk/<visitor>-<page>-<width>.png, to look at every page after a change of style.

A new page is added to a list below (a route name, or a path for a page with no name); the last
test fails naming any route of the project that no list walks and NOT_PAGES does not excuse.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clientvault.accounts.models import Permission, StaffRole, User
from clientvault.accounts.services.confirmation import request_email_change
from clientvault.accounts.services.people import create_invitation
from clientvault.accounts.services.reset import reset_tokens
from clientvault.accounts.services.sessions import mark_signed_in
from clientvault.messaging import mailbox
from clientvault.messaging.mailbox import MAILBOX_BACKEND
from clientvault.messaging.unsubscribe import make_token
from clientvault.privacy.taxonomy import Purpose
from clientvault.support.services.review import flag_post
from clientvault.support.services.tickets import reply_as_customer, reply_as_staff
from tests.accounts.access_world import World, resolver_entries, world  # noqa: F401
from tests.accounts.confirmutil import path_of, queued_links
from tests.accounts.personas import customer, make_staff, sign_in, sign_in_staff  # noqa: F401
from tests.accounts.test_access_walk_pages import a_campaign, a_sent_message
from tests.accounts.test_signup import FORM as SIGNUP_FORM
from tests.accounts.test_signup import PW as SIGNUP_PW
from tests.accounts.test_signup import post as post_signup
from tests.billing.methods_support import a_payment_method, a_setup_session
from tests.billing.rows import a_credit_note, a_payment, an_invoice, some_credit
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SHOTS as ALL_SHOTS
from tests.e2e.conftest import TIMEOUT_MS, ConsoleWatch
from tests.e2e.support import fill_fields
from tests.hosting.registrar_server import registrar_server  # noqa: F401
from tests.hosting.rows import a_domain, a_failed_call, a_service
from tests.hosting.staff_support import checked_caller
from tests.incidents.helpers import a_notified_incident
from tests.legal.helpers import a_walk_demand, a_walk_link, a_walk_release
from tests.rights.helpers import a_rights_request, an_export_link
from tests.support.forum_fixtures import a_thread, an_abuse_message, opening
from tests.support.tickets import a_ticket_with_file
from tests.traffic.figures import a_day

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

DESKTOP = {"width": 1280, "height": 800}
SHOTS = ALL_SHOTS / "walk"
PHONE = {"width": 390, "height": 844}


@dataclass
class Walk:
    """The first account's objects (World), plus links only a test can make."""

    world: World
    invitation_token: str = ""
    confirm_token: str = ""
    unsubscribe_token: str = ""
    sent_message: str = ""
    campaign: str = ""
    reset: dict[str, str] = field(default_factory=dict)
    access_request: str = ""  # the owner's access request, received
    erasure_request: str = ""  # the owner's erasure request, waiting for its code
    export: dict[str, str] = field(default_factory=dict)  # a download link's pk and secret
    invoice: str = ""  # the owner's invoice, part paid, with a credit note
    invoice_pk: int = 0
    payment_pk: int = 0
    payment_method: str = ""  # the owner's card (made in the database: no gateway runs)
    setup_session: str = ""  # a hosted-form visit the gateway (unreachable here) cannot confirm
    service: str = ""  # the owner's hosting service (its reference)
    domain: str = ""  # the owner's domain name, registered
    domain_contact: str = ""  # its technical contact
    ticket: str = ""  # the owner's support ticket (its number), with a staff reply
    forum_category: str = ""  # a forum category's slug
    forum_thread: str = ""  # the owner's forum thread
    forum_post: str = ""  # its opening post, the owner's
    abuse_message: str = ""  # the first message of the owner's abuse-department ticket
    demand: str = ""  # a subpoena naming the owner, under review
    release: str = ""  # a release prepared on another, awaiting its second person
    package: dict[str, str] = field(default_factory=dict)  # an approved release's link
    incident: str = ""  # an incident that affected the owner, its notices sent
    traffic_site: str = ""  # the owner's service's domain, with a week of traffic figures


@dataclass(frozen=True)
class Page:
    """A page to check: a route name (``accounts:login``) or a path (``/no-such-page``)."""

    route: str
    kwargs: Callable[[Walk], Any] | None = None
    query: str = ""
    submit: bool = False  # also check it after sending its first form (empty, or with ``fill``)
    fill: tuple[tuple[str, str], ...] = ()  # (label, value) typed before sending

    def url(self, walk: Walk) -> str:
        if self.route.startswith("/"):
            return self.route
        values = self.kwargs(walk) if self.kwargs else None
        if values is None:
            path = reverse(self.route)
        elif isinstance(values, dict):
            path = reverse(self.route, kwargs=values)
        else:
            path = reverse(self.route, args=[values])
        return path + (f"?{self.query}" if self.query else "")


def _account(walk: Walk) -> str:
    return walk.world.owner.customer.number


def _service(walk: Walk) -> str:
    a_failed_call(walk.world.owner)  # the page shows the failure and its retry button
    return a_service(walk.world.owner).reference


def _domain(walk: Walk) -> str:
    return str(a_domain(walk.world.owner).pk)


def _checked_contact(walk: Walk) -> dict[str, str]:
    """The technical contact's change form, for the walking staff member who checked the
    owner's identity (the form needs a passed check; without one the page explains)."""
    walker = User.objects.filter(username="staff-administrator").first()
    if walker is not None:
        checked_caller(walker, walk.world.owner)
    return {"pk": _domain(walk), "role": "tech"}


ANONYMOUS_PAGES = [
    Page("home"),
    Page("privacy:policy"),
    Page("privacy:versions"),
    Page("privacy:version", lambda w: 1),
    Page("privacy:cookies"),
    Page("/api/v1/docs"),
    Page("accounts:login", submit=True),
    Page("accounts:signup", submit=True),
    Page("accounts:signup", query="kind=organisation"),
    Page("accounts:signup_sent"),
    Page("accounts:password_reset", submit=True),
    Page("accounts:password_reset_done"),
    Page("accounts:password_reset_confirm", lambda w: w.reset, submit=True),
    Page("accounts:password_reset_confirm", lambda w: {"uidb64": "MQ", "token": "not-a-token"}),
    Page("accounts:invitation_accept", lambda w: w.invitation_token, submit=True),
    Page("accounts:invitation_accept", lambda w: "not-a-real-invitation-token"),
    Page("accounts:email_confirm_link", lambda w: w.confirm_token),  # shows /confirm-email
    Page("accounts:email_confirm"),
    Page("accounts:email_confirm_link", lambda w: "not-a-real-link"),
    Page("messaging:unsubscribe", lambda w: w.unsubscribe_token, submit=True),
    Page("messaging:unsubscribe", lambda w: "not-a-real-unsubscribe-token"),
    Page("rights:public_request", submit=True),
    Page("rights:public_verify", lambda w: w.erasure_request, submit=True),
    Page("rights:export_link", lambda w: w.export),
    Page("rights:export_link", lambda w: {**w.export, "secret": "not-a-secret"}),
    Page("support:forum"),
    Page("support:forum_category", lambda w: w.forum_category),
    Page("support:thread", lambda w: w.forum_thread),
    Page("legal:transparency"),
    Page("legal:package", lambda w: w.package),
    Page("legal:package", lambda w: {**w.package, "secret": "not-a-secret"}),
    Page("/no-such-page"),
]
OWNER_PAGES = [
    Page("home"),
    Page("accounts:dashboard"),
    Page("accounts:profile"),
    Page("accounts:profile", fill=(("Town or city", "4242 4242 4242 4242"),)),  # card refused
    Page("accounts:profile_email", submit=True),
    Page("accounts:profile_history"),
    Page("incidents:security_notices"),
    Page("accounts:choices", submit=True),
    Page("privacy:cookies"),
    Page("accounts:sent_messages"),
    Page("accounts:sent_message", lambda w: w.sent_message),
    Page("accounts:organisation", submit=True),
    Page("accounts:client_log"),
    Page("accounts:api_tokens", submit=True),
    Page("accounts:api_tokens", fill=(("Name", "deploy script"),)),
    Page("accounts:users"),
    Page("accounts:user_invite", submit=True),
    Page("accounts:user_edit", lambda w: w.world.colleague.pk),
    Page("accounts:user_remove", lambda w: w.world.colleague.pk),
    Page("accounts:security"),
    Page("accounts:password_change", submit=True),
    Page("accounts:security_answers", submit=True),
    Page("accounts:two_factor_setup", submit=True),
    Page("accounts:two_factor_disable"),
    Page("accounts:recovery_codes"),
    Page("accounts:recovery_codes_renew"),
    Page("accounts:report_unauthorised"),
    Page("accounts:reauth", query="next=/security/password", submit=True),
    Page("accounts:invitation_accept", lambda w: w.invitation_token),
    Page("rights:privacy"),
    Page("rights:new_request", submit=True),
    Page("rights:new_request", query="kind=correction"),
    Page("rights:request", lambda w: w.access_request),
    Page("rights:request", lambda w: w.erasure_request),
    Page("billing:overview"),
    Page("billing:invoices"),
    Page("billing:invoice", lambda w: w.invoice),
    Page("billing:pay", lambda w: w.invoice),  # not sent: no gateway runs in the walk
    Page("billing:credit"),
    Page("billing:details", submit=True),
    Page("billing:details", fill=(("VAT number (optional)", "GB123"),)),
    Page("billing:methods"),
    Page("billing:methods", query="cancelled=1"),
    Page("billing:method_sepa", submit=True),
    Page("billing:method_remove", lambda w: w.payment_method),
    Page("billing:method_return", lambda w: w.setup_session),
    Page("hosting:services"),
    Page("hosting:order", submit=True),
    Page("hosting:service", lambda w: w.service),
    Page("hosting:service_cancel", lambda w: w.service, submit=True),
    Page("hosting:service_plan", lambda w: w.service, submit=True),
    Page("traffic:usage"),
    Page("traffic:service_usage", lambda w: w.service),
    Page("hosting:domains"),
    Page("hosting:domain", lambda w: w.domain),
    Page("hosting:domain_contacts", lambda w: w.domain, submit=True),
    Page("hosting:domain_contacts_sync"),
    Page(
        "hosting:domain_contact",
        lambda w: {"name": w.domain, "pk": w.domain_contact},
        submit=True,
    ),
    Page("support:tickets"),
    Page("support:ticket_new", submit=True),
    Page("support:ticket", lambda w: w.ticket),
    Page("support:forum"),
    Page("support:forum_category", lambda w: w.forum_category),
    Page("support:thread", lambda w: w.forum_thread),
    Page("support:forum_new_thread", lambda w: w.forum_category, submit=True),
    Page("support:forum_reply", lambda w: w.forum_thread, submit=True),
    Page("support:forum_edit", lambda w: w.forum_post),
    Page("support:forum_delete", lambda w: w.forum_post),
    Page("support:flag_post", lambda w: w.forum_post, submit=True),
    Page("/account/no-such-page"),
    Page("accounts:logout"),
]
# An authorised user without the contacts permission: the refusal page.
TEAMMATE_PAGES = [
    Page("accounts:dashboard"),
    Page("accounts:users"),
]
STAFF_PAGES = [
    Page("accounts:staff_search", submit=True),
    Page(
        "accounts:staff_search",
        fill=(("E-mail, telephone, name, organisation or account number", "CV"),),
    ),
    Page("accounts:staff_customer", _account),
    Page("accounts:staff_status", _account),
    Page("accounts:staff_identity_check", lambda w: w.world.owner.pk),
    Page("accounts:staff_intake_update", lambda w: w.world.owner.pk),
    Page("accounts:staff_reset_password", lambda w: w.world.owner.pk),
    Page("accounts:staff_intake", submit=True),
    Page("accounts:staff_intake", query="kind=organisation", submit=True),
    Page("accounts:staff_reports"),
    Page("accounts:staff_report", lambda w: w.world.report.pk),
    Page("accounts:staff_campaigns"),
    Page("accounts:staff_campaign_new", submit=True),
    Page("accounts:staff_campaign", lambda w: w.campaign),
    Page("incidents:staff_incidents"),
    Page("incidents:staff_new", submit=True),
    Page("incidents:staff_incident", lambda w: w.incident),
    Page("incidents:staff_draft", lambda w: w.incident),
    Page("incidents:staff_calls", lambda w: w.incident),
    Page("rights:privacy_queue"),
    Page("rights:privacy_queue", query="show=all"),
    Page("rights:privacy_new", submit=True),
    Page("rights:privacy_request", lambda w: w.access_request),
    Page("rights:privacy_request", lambda w: w.erasure_request),
    Page("billing:staff_invoices"),
    Page("billing:staff_invoices", query="status=unpaid&q=INV"),
    Page("billing:staff_invoices", query="status=lost"),
    Page("billing:staff_account", _account),
    Page("billing:staff_invoice", lambda w: w.invoice_pk),
    Page("billing:staff_payment", lambda w: w.invoice_pk, submit=True),
    Page("billing:staff_credit_note", lambda w: w.invoice_pk, submit=True),
    Page("billing:staff_refund", lambda w: w.payment_pk, submit=True),
    Page("billing:staff_credit_add", _account, submit=True),
    Page("support:staff_release", lambda w: w.ticket, submit=True),
    Page("hosting:staff_customer", _account),
    Page("hosting:staff_order", _account, submit=True),
    Page("hosting:staff_service", _service),
    Page("hosting:staff_domain", _domain),
    Page("hosting:staff_domain_contact", lambda w: {"pk": _domain(w), "role": "admin"}),
    Page("hosting:staff_domain_contact", _checked_contact, submit=True),
    Page("hosting:staff_domain", _domain),  # after the check: the contacts' details
    Page("support:review_queue"),
    Page("support:review_post", lambda w: w.forum_post, submit=True),
    Page("support:review_message", lambda w: w.abuse_message, submit=True),
    Page("support:flag_message", lambda w: w.abuse_message, submit=True),
    Page("support:staff_queue"),
    Page("support:staff_queue", query="status=all&priority=urgent"),  # none matches
    Page("support:staff_ticket", lambda w: w.ticket, submit=True),  # the reply, empty
    Page("support:staff_open", _account, submit=True),
    Page("accounts:security"),
    Page("accounts:password_change"),
    Page("traffic:staff_traffic"),
    Page("traffic:staff_traffic_site", lambda w: w.traffic_site),
    Page("traffic:staff_traffic_site", lambda w: w.traffic_site, query="from=2026-11-03&to=x"),
    Page("/staff/no-such-page/"),
]
# The legal register (the legal team's; refused to the roles without legal_obligation).
LEGAL_PAGES = [
    Page("legal:staff_demands"),
    Page("legal:staff_demands", query="status=refused"),
    Page("legal:staff_demand_new", submit=True),
    Page("legal:staff_demand", lambda w: w.demand),
    Page("legal:staff_release_prepare", lambda w: w.demand, submit=True),
    Page("legal:staff_release", lambda w: w.release),
]
STAFF_PAGES += LEGAL_PAGES
# A staff login that gave its password but not yet its second factor.
SECOND_FACTOR_PAGES = [Page("accounts:two_factor", submit=True)]
# A signup whose address awaits its link, after its right password.
UNCONFIRMED_PAGES = [Page("accounts:email_unconfirmed", submit=True)]
# The development mailbox, which exists only with DEBUG on (anyone may open it then).
DEV_PAGES = [
    Page("dev_mailbox"),
    Page("dev_mailbox_message", lambda w: mailbox.entries()[0].name),
]

# Routes that are not pages, or are walked in another state; each with the reason.
NOT_PAGES = {
    "healthz": "JSON for the load balancer, not a page",
    "privacy:gpc": "JSON saying the site honours Global Privacy Control, not a page",
    "text_size": "the footer's button's POST (once preference cookies are accepted), answered "
    "with a redirect (tests/e2e/test_cookies.py checks the larger text it gives)",
    "billing:webhook": "JSON for the payment gateways, not a page",
    "accounts:api_token_revoke": "a button's POST, answered with a redirect",
    "accounts:sessions_end": "a button's POST, answered with a redirect",
    "accounts:sessions_end_all": "a button's POST, answered with a redirect",
    "accounts:invitation_revoke": "a button's POST, answered with a redirect",
    "accounts:staff_reseller": "a button's POST (on the status page), answered with a redirect",
    **{
        f"rights:{name}": "a button's POST on a request's page, answered with a redirect"
        for name in (
            "confirm",
            "send_code",
            "enter_code",
            "withdraw",
            "privacy_send_code",
            "privacy_checked",
            "privacy_approve",
            "privacy_refuse",
            "privacy_extend",
            "privacy_retry",
        )
    },
    "rights:download": "a file (JSON, ZIP or PDF), not a page",
    "support:ticket_file": "a file (an attachment, downloaded), not a page",
    **{
        f"support:{name}": "a form's POST on a ticket's page, answered with a redirect to it "
        "(tests/support/test_area_ticket_page.py)"
        for name in ("ticket_reply", "ticket_close", "ticket_rate")
    },
    "billing:invoice_pdf": "a file (PDF), not a page",
    "billing:staff_reveal_address": "a button's POST on a customer's billing page; its answer "
    "is checked in tests/e2e/test_billing_staff.py",
    "billing:method_add": "a button's POST, answered with a redirect to the gateway's form "
    "(its pages: tests/e2e/test_billing_methods.py)",
    "billing:method_default": "a button's POST, answered with a redirect",
    **{
        f"hosting:staff_{name}": "a form's POST on a service's or a domain's page, answered "
        "with a redirect to it (tests/hosting/test_staff_*_page.py)"
        for name in (
            "service_suspend",
            "service_unsuspend",
            "service_cancel",
            "service_plan",
            "call_retry",
            "domain_renew",
            "domain_retry",
        )
    },
    **{
        f"hosting:{name}": "a button's POST on a domain's page, answered with a redirect (or "
        "the domain's page, walked, with the refusal)"
        for name in ("domain_renew", "domain_auto_renew", "domain_id_protection", "domain_retry")
    },
    "hosting:domain_auth_code": "a button's POST on a domain's page; its answer, the code shown "
    "once, is checked in tests/e2e/test_hosting_order.py",
    "support:staff_ticket_file": "a file (a ticket's attachment), not a page",
    **{
        f"legal:staff_{name}": "a button's POST on a demand's or a release's page, answered with "
        "a redirect to it (tests/legal/test_demand_page.py)"
        for name in (
            "demand_review",
            "demand_challenge",
            "demand_refuse",
            "demand_complete",
            "demand_notice",
            "demand_preserve",
            "demand_unpreserve",
            "release_approve",
        )
    },
    **{
        f"incidents:staff_{name}": "a form's POST on an incident's page, answered with a "
        "redirect to it or the page with the form's errors (tests/incidents/test_staff_views.py)"
        for name in ("scope", "decide", "notified", "close", "notify", "call")
    },
    "incidents:staff_letters": "a file (the letters' PDF), not a page",
    "traffic:staff_traffic_export": "a file (CSV), not a page",
    "incidents:staff_letter": "a file (one letter's PDF), not a page",
    "support:staff_ticket_reply": "the reply form's POST on a ticket's page: answered with a "
    "redirect to it, or the ticket's page with the form's errors (walked: staff_ticket, sent)",
    **{
        f"support:staff_ticket_{name}": "a form's POST on a ticket's page, answered with a "
        "redirect (tests/support/test_staff_ticket_*.py)"
        for name in ("status", "priority", "department", "assign", "action")
    },
}
NOT_WALKED_NAMESPACES = {
    "api-v1": "the JSON API (its documentation pages are listed by path)",
}


# --- the walk -------------------------------------------------------------------------------


@pytest.fixture
def walk(world: World, settings: Any, registrar_server: Any) -> Walk:
    settings.TEST_GATEWAY_URL = "http://127.0.0.1:9"  # nothing listens: the return page says so
    owner = world.owner
    _, token = create_invitation(
        customer=owner.customer, email="newcomer@example.com", permissions=[], actor=owner.user
    )
    reset = {
        "uidb64": urlsafe_base64_encode(force_bytes(owner.user.pk)),
        "token": reset_tokens.make_token(owner.user),
    }
    request_email_change(
        person=owner, email="new-address@example.com", actor=owner.user, channel="web"
    )
    confirm = path_of(queued_links(to="new-address@example.com")[-1]).rsplit("/", 1)[1]
    leave = make_token(subject_id=owner.subject_id, purpose=Purpose.MARKETING)
    method = a_payment_method(owner)
    return Walk(
        world,
        invitation_token=token,
        reset=reset,
        confirm_token=confirm,
        unsubscribe_token=leave,
        sent_message=str(a_sent_message(owner).pk),
        campaign=str(a_campaign().pk),
        access_request=str(a_rights_request(owner).pk),
        erasure_request=str(a_rights_request(owner, kind="erasure").pk),
        export=an_export_link(owner),
        payment_method=str(method.pk),
        **_an_invoice_with_history(owner, method),
        setup_session=str(a_setup_session(owner).pk),
        **_hosting(owner),
        ticket=_a_ticket(owner),
        **_forum(owner),
        demand=str(a_walk_demand(owner).pk),
        release=str(a_walk_release(owner).pk),
        package=a_walk_link(owner),
        incident=str(a_notified_incident(owner).pk),
        traffic_site=_traffic(owner),
    )


def _a_ticket(owner: Any) -> str:
    """The owner's ticket: a message with a removed card number, a staff reply, a file."""
    attachment = a_ticket_with_file(owner)
    ticket = attachment.message.ticket
    reply_as_customer(
        ticket=ticket, person=owner, body="Card 4242 4242 4242 4242", actor=owner.user
    )
    agent = make_staff("support", username="walk-support")
    reply_as_staff(ticket=ticket, staff=agent, body="We are looking into it.")
    return str(ticket.number)


def _forum(owner: Any) -> dict[str, str]:
    """The owner's forum thread (reported, so the review queue lists it) and abuse report."""
    thread = a_thread(owner)
    post = opening(thread)
    flag_post(post=post, ground="spam", flagged_by=owner.user)
    return {
        "forum_category": thread.category.slug,
        "forum_thread": str(thread.pk),
        "forum_post": str(post.pk),
        "abuse_message": str(an_abuse_message(owner).pk),
    }


def _hosting(owner: Any) -> dict[str, Any]:
    """The owner's hosting service and registered domain name (the registrar runs)."""
    domain = a_domain(owner)
    return {
        "service": a_service(owner).reference,
        "domain": domain.name,
        "domain_contact": str(domain.tech_id),
    }


def _traffic(owner: Any) -> str:
    """A week of figures for the owner's service's domain, up to today, and another site."""
    site = a_service(owner).domain
    today = datetime.datetime.now(tz=datetime.UTC).date()
    for back in range(7):
        a_day(site, today - datetime.timedelta(days=back))
    a_day("www." + site, today)
    return site


def _an_invoice_with_history(owner: Any, method: Any) -> dict[str, Any]:
    """The owner's invoice with a payment by ``method`` and a credit note, and some credit."""
    invoice = an_invoice(owner, lines=(("Shared hosting", 1, 1000), ("Backups", 2, 250)))
    payment = a_payment(invoice, amount=500, method=method)
    a_credit_note(invoice, amount=200, reason="Outage")
    type(invoice).objects.filter(pk=invoice.pk).update(amount_paid=500, amount_credited=200)
    some_credit(owner, 1500)
    return {"invoice": invoice.display_number, "invoice_pk": invoice.pk, "payment_pk": payment.pk}


@pytest.fixture
def context_for(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """``context_for(client)``: a desktop-sized browser context holding the client's cookies."""
    made: list[Any] = []

    def factory(client: Client | None = None, visitor: str = "anonymous") -> Any:
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
        context.visitor = visitor
        context.set_default_timeout(TIMEOUT_MS)
        if client is not None:
            cookies = [
                {"name": name, "value": morsel.value, "url": live_server.url}
                for name, morsel in client.cookies.items()
            ]
            context.add_cookies(cookies)
        made.append(context)
        return context

    yield factory
    for context in made:
        context.close()


def _fresh_sign_in(client: Client) -> Client:
    """As after the sign-in page: the password was just typed (no re-confirmation asked)."""
    session = client.session
    mark_signed_in(session)
    session.save()
    return client


def _check(tab: Any, where: str, problems: list[str]) -> None:
    for size in (DESKTOP, PHONE):
        tab.set_viewport_size(size)
        if os.environ.get("CLIENTVAULT_WALK_SHOTS"):
            name = re.sub(r"[^A-Za-z0-9]+", "-", f"{where}-{size['width']}").strip("-")
            SHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SHOTS / f"{tab.context.visitor}-{name}.png"), full_page=True)
        try:
            assert_accessible(tab, f"{where} at {size['width']} px")
        except AssertionError as failure:
            problems.append(str(failure).split("\nassert")[0])
    tab.set_viewport_size(DESKTOP)


def walk_pages(context: Any, pages: list[Page], walk: Walk) -> list[str]:
    """Every axe violation (and server error) on ``pages``, each page at both widths."""
    tab = context.new_page()
    watch = ConsoleWatch()
    tab.on("console", watch.on_console)
    tab.on("pageerror", watch.on_page_error)
    tab.on("response", watch.on_response)
    problems: list[str] = []
    logout = reverse("accounts:logout")
    for page in pages:
        url = page.url(walk)
        response = tab.goto(url)
        if response is None or response.status >= 500:
            problems.append(f"{url}: answered {response.status if response else 'nothing'}")
            continue
        _check(tab, url, problems)
        if page.submit or page.fill:
            buttons = tab.locator(f"main form:not([action='{logout}']) [type=submit]")
            if not buttons.count():
                continue  # not this visitor's form (a refusal page): checked as it is
            try:
                fill_fields(tab, dict(page.fill))
                buttons.first.click()
            except Exception as error:  # a page without the form it should have
                problems.append(f"{url}: cannot send its form: {str(error).splitlines()[0]}")
                continue
            tab.wait_for_load_state()
            _check(tab, f"{url} after sending its form", problems)
    tab.close()
    return problems + watch.problems


def _report(problems: list[str]) -> str:
    return f"{len(problems)} page(s) with problems:\n" + "\n".join(problems)


def test_every_public_page_passes_axe(walk, context_for):
    problems = walk_pages(context_for(), ANONYMOUS_PAGES, walk)
    assert not problems, _report(problems)


def test_every_page_of_the_customer_area_passes_axe(walk, context_for):
    client = _fresh_sign_in(sign_in(Client(), walk.world.owner.user))
    problems = walk_pages(context_for(client, "owner"), OWNER_PAGES, walk)
    assert not problems, _report(problems)


def test_the_pages_refusing_an_authorised_user_pass_axe(walk, context_for):
    lacking = walk.world.member_lacking(Permission.CONTACTS, "lacks-contacts")
    client = _fresh_sign_in(sign_in(Client(), lacking.user))
    problems = walk_pages(context_for(client, "teammate"), TEAMMATE_PAGES, walk)
    assert not problems, _report(problems)


# Every back-office page is walked by the roles that open them all between them (the
# administrator every page but the campaigns, marketing the campaigns); the other roles differ
# only in their navigation and in which pages refuse them, so each walks its home and a page
# that refuses it, or its own pages where no other role's walk shows them.
SHORT_WALK = [
    Page("accounts:staff_search"),
    Page("accounts:staff_intake"),
    Page("accounts:staff_reports"),
    Page("accounts:staff_status", _account),
    Page("accounts:staff_campaigns"),
    Page("billing:staff_account", _account),
]
FULL_WALKS = {
    StaffRole.ADMINISTRATOR.value: STAFF_PAGES,
    StaffRole.MARKETING.value: STAFF_PAGES,
    # The release of a ticket outside needs the legal-obligation purpose: the legal team's.
    StaffRole.LEGAL.value: [
        *SHORT_WALK,
        Page("support:staff_release", lambda w: w.ticket, submit=True),
        *LEGAL_PAGES,
    ],
}


@pytest.mark.parametrize("role", [role.value for role in StaffRole])
def test_every_page_of_the_back_office_passes_axe_for_each_role(walk, context_for, role):
    client = _fresh_sign_in(sign_in_staff(Client(), make_staff(role)))
    pages = FULL_WALKS.get(role, SHORT_WALK)
    problems = walk_pages(context_for(client, role), pages, walk)
    assert not problems, _report(problems)


def test_the_second_factor_page_passes_axe(walk, context_for):
    client = sign_in(Client(), make_staff(StaffRole.SUPPORT.value))
    problems = walk_pages(context_for(client, "pending"), SECOND_FACTOR_PAGES, walk)
    assert not problems, _report(problems)


def test_the_development_mailbox_passes_axe(walk, context_for, settings, tmp_path):
    settings.DEBUG = True
    settings.CLIENTVAULT_MAILBOX_DIR = tmp_path / "mail"
    settings.EMAIL_BACKEND = MAILBOX_BACKEND
    mail.send_mail("Reset your password", "Open http://127.0.0.1/x\n", "cv@localhost", ["a@b.test"])
    mailbox.keep_text(to="+442079460018", text="Your identity check code is 123456.")
    problems = walk_pages(context_for(), DEV_PAGES, walk)
    assert not problems, _report(problems)


def test_the_page_holding_an_unconfirmed_sign_in_passes_axe(walk, context_for):
    post_signup(Client(), SIGNUP_FORM)
    client = Client()
    client.post(reverse("accounts:login"), {"username": "mary.s", "password": SIGNUP_PW})
    problems = walk_pages(context_for(client, "unconfirmed"), UNCONFIRMED_PAGES, walk)
    assert not problems, _report(problems)


def test_the_walk_names_every_page_of_the_site():
    walked = {
        page.route
        for pages in (
            ANONYMOUS_PAGES,
            OWNER_PAGES,
            TEAMMATE_PAGES,
            STAFF_PAGES,
            SECOND_FACTOR_PAGES,
            DEV_PAGES,
            UNCONFIRMED_PAGES,
        )
        for page in pages
    }
    missing = []
    for namespace, text, entry in resolver_entries():
        if namespace in NOT_WALKED_NAMESPACES:
            continue
        name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
        if name not in walked and name not in NOT_PAGES:
            missing.append(f"{name} (/{text})")
    assert not missing, (
        "these routes are in no list of the accessibility walk: add each page to the list of "
        "who sees it, or to NOT_PAGES with the reason:\n" + "\n".join(missing)
    )
    assert settings.ROOT_URLCONF == "clientvault.urls"
