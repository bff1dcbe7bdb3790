"""The unsubscribe link's page: a GET asks (mail scanners follow links), a POST leaves the list.

A POST needs no sign-in and no CSRF token: mail providers send RFC 8058's one-click POST
(``List-Unsubscribe=One-Click``) from their own servers, and the signed token in the URL is the
only authority it needs; all it can do is withdraw one person's consent to one list.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clientvault.messaging.services.unsubscribe import InvalidToken, ticket_for, unsubscribe


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            done = unsubscribe(token=token)
            context = {"list_name": done.ticket.list_name, "done": True}
        else:
            context = {"list_name": ticket_for(token).list_name, "done": False}
    except InvalidToken as error:
        return render(request, "messaging/unsubscribe_invalid.html", {"error": error}, status=404)
    return render(request, "messaging/unsubscribe.html", context)
