"""The back-office navigation: each page with the purpose that opens it (see
``clientvault.accounts.views.staff``); a staff member's roles see only what they may open."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from clientvault.accounts.models import User
from clientvault.accounts.services.staff import CUSTOMER_PURPOSE, REPORT_PURPOSE, staff_purposes
from clientvault.privacy.actors import actor_roles
from clientvault.privacy.profile import current_profile
from clientvault.privacy.taxonomy import Purpose


@dataclass(frozen=True)
class StaffPage:
    """A page in the back-office navigation, shown to roles granted its purpose."""

    url_name: str
    label: str
    purpose: str
    summary: str
    covers: frozenset[str] = frozenset()  # the pages reached from it (highlight this item)
    also: frozenset[str] = frozenset()  # other purposes that open it (any one is enough)
    # Shown only to the roles the profile's [review] reviewers names (acceptable-use review).
    reviewers_only: bool = False

    def opens_for(self, granted: set[str]) -> bool:
        return self.purpose in granted or bool(self.also & granted)

    def shown_to(self, staff: User, granted: set[str]) -> bool:
        if self.reviewers_only and not actor_roles(staff) & set(current_profile().reviewers):
            return False
        return self.opens_for(granted)

    @property
    def url(self) -> str:
        """The page's address; ``url_name`` is an accounts page's name, or ``app:name``."""
        name = self.url_name
        return reverse(name if ":" in name else f"accounts:{name}")

    @property
    def name(self) -> str:
        """The URL name without its namespace, as ``resolver_match.url_name`` gives it."""
        return self.url_name.rpartition(":")[2]


STAFF_PAGES = (
    StaffPage(
        "staff_search",
        "Customers",
        CUSTOMER_PURPOSE,
        "Find an account by e-mail, telephone, name or number; open its record, check a "
        "caller's identity, change details for them or send a password reset link.",
        frozenset(
            {
                "staff_customer",
                "staff_status",
                "staff_identity_check",
                "staff_intake_update",
                "staff_reset_password",
            }
        ),
    ),
    StaffPage(
        "staff_intake",
        "Telephone intake",
        CUSTOMER_PURPOSE,
        "Open an account for a caller; they set their password by a link sent to their e-mail.",
    ),
    StaffPage(
        "support:staff_queue",
        "Tickets",
        Purpose.SUPPORT,
        "Answer the tickets of the departments your role reads, change their status, priority "
        "and assignee, and act for the customer from a ticket.",
        frozenset({"staff_ticket", "staff_ticket_reply", "staff_open"}),
        also=frozenset({Purpose.BILLING, Purpose.LEGAL_OBLIGATION}),
    ),
    StaffPage(
        "support:review_queue",
        "Acceptable-use review",
        Purpose.SUPPORT,
        "Review the communications reported as breaking the acceptable-use policy: keep, hide, "
        "delete or block each, on a ground from the policy.",
        frozenset({"review_post", "review_message"}),
        reviewers_only=True,
    ),
    StaffPage(
        "staff_reports",
        "Unauthorised-use reports",
        REPORT_PURPOSE,
        "Read the reports customers make of unauthorised use, and acknowledge and resolve them.",
        frozenset({"staff_report"}),
    ),
    StaffPage(
        "rights:privacy_queue",
        "Privacy requests",
        Purpose.LEGAL_OBLIGATION,
        "Answer requests for a copy, a correction or an erasure of personal data, and "
        "objections to marketing, before their deadlines.",
        frozenset({"privacy_request", "privacy_new"}),
    ),
    StaffPage(
        "legal:staff_demands",
        "Legal demands",
        Purpose.LEGAL_OBLIGATION,
        "Record subpoenas, orders, warrants, emergency and preservation requests; release only "
        "what each allows, with a second person's approval; hold data for a preservation.",
        frozenset(
            {
                "staff_demand",
                "staff_demand_new",
                "staff_release",
                "staff_release_prepare",
            }
        ),
    ),
    StaffPage(
        "billing:staff_invoices",
        "Billing",
        Purpose.BILLING,
        "Find invoices by status or number; open a customer's invoices, payments and credit; "
        "record a payment, refund, credit an invoice or add credit.",
        frozenset(
            {
                "staff_invoice",
                "staff_account",
                "staff_payment",
                "staff_credit_note",
                "staff_refund",
                "staff_credit_add",
                "staff_reveal_address",
            }
        ),
    ),
    StaffPage(
        "staff_campaigns",
        "Campaigns",
        Purpose.MARKETING,
        "Write news, offers and newsletters, preview them and send them to those who agreed.",
        frozenset({"staff_campaign_new", "staff_campaign"}),
    ),
    StaffPage(
        "incidents:staff_incidents",
        "Incidents",
        Purpose.SECURITY,
        "Record a security incident, scope whose data it exposed from the access log, keep the "
        "regulator's 72-hour clock and decision, and notify the people affected.",
        frozenset(
            {"staff_new", "staff_incident", "staff_draft", "staff_calls"},
        ),
    ),
    StaffPage(
        "traffic:staff_traffic",
        "Traffic",
        Purpose.ANALYTICS,
        "Read each hosted site's visits, pages, errors, browsers, ISP domains and time to "
        "serve for a period, as charts, tables and CSV: counts only, never a visitor.",
        frozenset({"staff_traffic_site", "staff_traffic_export"}),
    ),
)
WORK_PAGE = StaffPage("staff_search", "Your work", "", "What your role can do here.")


def pages_for(staff: User) -> list[StaffPage]:
    """The navigation for this staff member: the pages their roles' purposes open."""
    granted = staff_purposes(staff)
    pages = [page for page in STAFF_PAGES if page.shown_to(staff, granted)]
    if pages and CUSTOMER_PURPOSE not in granted:
        pages.insert(0, WORK_PAGE)
    return pages
