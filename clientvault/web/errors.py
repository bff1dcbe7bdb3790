"""The site's error pages: 400, 403, 404, 405 and 500, in the site's own style.

403 and 404 are Django's handlers with our templates (``403.html``, ``404.html``): they know who
is signed in, to lead a customer back to the customer area and staff to the back office. 400
and 500 are rendered without the request: no session, user, messages or database, only the
brand read from the policy profile file, so the page shows even when what failed is the
database or a context processor; should even the template fail, a fixed page is sent. A 405
that a view answered with no body (``require_POST`` and the like) gets ``405.html``.

An expected 403 or 404 is logged as one line, without a traceback (``ExpectedErrorFilter`` in
``clientvault.web.logging``); a 500 is logged with its traceback, by Django, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
)
from django.template import loader
from django.template.response import TemplateResponse

from clientvault.privacy.profile import current_profile

FALLBACK = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><main><h1>{title}</h1><p>Please try again in a few minutes.</p></main></body></html>"
)


def _site() -> dict[str, Any]:
    """What the page's frame shows: the brand and the operator, from the profile file only."""
    try:
        profile = current_profile()
    except Exception:  # an error page never fails: it shows without the brand
        return {}
    return {
        "brand": profile.brand,
        "operator_name": profile.operator_name,
        "privacy_contact": profile.privacy_contact,
    }


def _without_request(template: str, title: str) -> str:
    try:
        return loader.get_template(template).render(_site())
    except Exception:  # the fixed page: nothing of the site's may stop the answer
        return FALLBACK.format(title=title)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: the styled page, rendered without touching the request or the database."""
    return HttpResponseServerError(_without_request("500.html", "Something went wrong"))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400: the styled page, rendered without touching the request (it may be the problem)."""
    return HttpResponseBadRequest(_without_request("400.html", "Bad request"))


class MethodNotAllowedPageMiddleware:
    """A 405 answered with no body (``require_POST`` and the like) gets the styled page; the
    API's answers, which carry their own JSON, are left as they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method == "HEAD":
            return response
        page = TemplateResponse(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page.render()
