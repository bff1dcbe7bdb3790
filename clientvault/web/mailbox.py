"""The development mailbox page: ``/dev/mailbox`` (a 404 unless ``DEBUG`` is on).

E-mail and text messages sent in development are kept as files, never printed into the server
log (:mod:`clientvault.messaging.mailbox`); these pages list them and show one, links included,
so that a developer can follow a reset or invitation link or read an identity code.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clientvault.messaging import mailbox


def _development_only() -> None:
    if not settings.DEBUG:
        raise Http404("The development mailbox exists only with DEBUG on.")


@login_not_required
@never_cache
@require_safe
def listing(request: HttpRequest) -> HttpResponse:
    _development_only()
    context = {"entries": mailbox.entries(), "folder": mailbox.mailbox_dir()}
    return render(request, "web/mailbox.html", context)


@login_not_required
@never_cache
@require_safe
def message(request: HttpRequest, name: str) -> HttpResponse:
    _development_only()
    found = mailbox.entry(name)
    if found is None:
        raise Http404("There is no such message in the development mailbox.")
    return render(request, "web/mailbox_message.html", {"entry": found})
