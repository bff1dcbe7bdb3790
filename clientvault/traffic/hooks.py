"""What traffic adds to the pages of lower apps, through their hooks (it may not be imported by
them): the usage of the last 30 days on a service's page in the customer area.

``register()`` is called once from the app's ``ready``.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from clientvault.hosting.sections import register_service_section
from clientvault.privacy.sites import sites
from clientvault.traffic import queries


def service_usage_section(*, reference: str, account: str) -> str:
    """The service's last 30 days (data sent, requests, errors) with a link to its usage page;
    "" for a service without a domain (nothing can be measured)."""
    site = sites().site_of(account, reference)
    if site is None:
        return ""
    summary = queries.usage_summary(site, end=queries.today())
    context = {"site": site, "summary": summary, "recent_days": queries.RECENT_DAYS}
    return render_to_string("traffic/_service_usage.html", context)  # a SafeString


def register() -> None:
    register_service_section(service_usage_section)
