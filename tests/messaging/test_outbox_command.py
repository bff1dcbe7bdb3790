# ruff: noqa: F811  (pytest fixtures imported from tests.messaging.support)
"""``clientvault outbox``: counts by state and the problems, naming no one."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clientvault.messaging.models import Message, Status
from tests.messaging.support import ADDRESS, queue_notice, recipient  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_counts_by_state_and_names_problems_without_addresses(recipient):
    queue_notice(recipient)
    failing = queue_notice(recipient)
    stalled = queue_notice(recipient)
    Message.objects.filter(pk=failing.pk).update(
        status=Status.RETRYING, last_error="SMTP 451: the recipient was deferred"
    )
    Message.objects.filter(pk=stalled.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    out = io.StringIO()
    call_command("outbox", stdout=out)
    text = out.getvalue()
    assert "       1  queued" in text
    assert "       1  stalled" in text
    assert "       1  retrying  SMTP 451: the recipient was deferred" in text
    assert ADDRESS not in text
