"""Hosting's periodic jobs (the job that sends one call is ``services.calls.run_remote_call``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from clientvault.hosting.services.calls import resume_stalled_calls
from clientvault.hosting.services.domains import expire_domains, renew_due_domains
from clientvault.hosting.services.lifecycle import cancel_due_services
from clientvault.privacy.actors import SystemActor

HOSTING_RUN = SystemActor("hosting_run")


@task()
def hosting_daily(period: str = "") -> dict[str, Any]:
    """End services cancelled at the end of their term, invoice renewals of domains that expire
    soon, mark expired domains. Run twice a day, it finds nothing more to do the second time."""
    today = timezone.localdate()
    return {
        "period": period,
        "cancelled": cancel_due_services(today=today, actor=HOSTING_RUN),
        "renewals": renew_due_domains(today=today, actor=HOSTING_RUN),
        "expired": expire_domains(today=today, actor=HOSTING_RUN),
    }


@task()
def resume_calls(period: str = "") -> dict[str, Any]:
    """Queue again the calls a dead worker left running."""
    return {"period": period, "queued": resume_stalled_calls()}
