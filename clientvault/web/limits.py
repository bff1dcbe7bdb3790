"""Requests larger than the site reads are answered 413, naming the limit, before anything reads
them.

Django refuses a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only when a view or middleware first
reads it, and then as a bare "400 Bad Request" (or, inside the API, an unexpected error). This
middleware answers first, with JSON under ``/api/`` and a page elsewhere: from the declared
``Content-Length``, or, for a multipart form of a page (whose files do not count towards the
limit), by parsing it here, as the CSRF check would a moment later. The API takes JSON only: a
multipart body there is left to the API, which checks the token before it reads any body.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

API_PREFIX = "/api/"


def body_limit() -> int | None:
    limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit


def too_large_message(limit: int) -> str:
    size = filesizeformat(limit).replace("\xa0", " ")
    return f"The request body is too large: this site reads at most {size}."


def _declared_length(request: HttpRequest) -> int | None:
    """The Content-Length as a number; -1 when the header is not one."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if not declared:
        return None
    return int(declared) if declared.isdigit() else -1


def _answer(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=status)
    context = {"status": status, "message": message}
    return render(request, "web/request_refused.html", context, status=status)


def _multipart_refusal(request: HttpRequest, limit: int | None) -> HttpResponse | None:
    try:
        request.POST  # noqa: B018  (parsed now, so that a refusal can name its reason)
    except RequestDataTooBig:
        return _answer(request, 413, too_large_message(limit or 0))
    except TooManyFieldsSent:
        fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return _answer(request, 400, f"The form has too many fields: at most {fields}.")
    except MultiPartParserError:
        return _answer(request, 400, "The form could not be read: its body is malformed.")
    return None


def refusal(request: HttpRequest) -> HttpResponse | None:
    """The answer to a request too large to read, or None to go on."""
    limit, length = body_limit(), _declared_length(request)
    if length == -1:
        return _answer(request, 400, "The Content-Length header is not a number of bytes.")
    if request.content_type == "multipart/form-data" and not request.path.startswith(API_PREFIX):
        return _multipart_refusal(request, limit)
    if limit is not None and length is not None and length > limit:
        return _answer(request, 413, too_large_message(limit))
    return None


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return refusal(request) or self.get_response(request)
