"""Card numbers are accepted only in the payment provider's hosted form (COL-3, USE-2, PCI DSS).

Every POST, PUT and PATCH body is read before the view that would store it runs, and refused
when a value holds something shaped like a payment card number
(:func:`clientvault.privacy.cards.find_card_number`):

- a form, URL-encoded or multipart: every field's values, and the names of uploaded files. The
  content of an uploaded file is not read: a file is not typed text, and what is kept of one
  (a support attachment) has its own checks where it is stored;
- a JSON body: every string and every number, at any depth (and the keys of its objects),
  reported by its path (``contact.address_line1``, ``lines.0.description``), as the API names a
  field in its errors;
- any other text body (``text/*``): as a whole. Other bodies (binary uploads) are not read.

Pages: :class:`RefuseCardNumbersMiddleware` checks in ``process_view``, once the URL is resolved
and ``web.limits`` has refused what is too large or malformed, before the CSRF check and the
view, and answers a 400 page naming the field, saying card numbers are entered only in the
secure payment form and that nothing was saved, with a link back.

The API (``/api/``): the middleware leaves it to the API, which calls
:func:`refuse_card_numbers` after its token check and before it reads the body into an
operation's arguments (``clientvault.api.ClientvaultAPI``). So the API keeps its order of
answers (401 for any token problem, 404, 405, then the body) and refuses with its own answer
for invalid input, 422 ``{"detail": [{"field": ..., "message": ...}]}``, the shape every
operation with a body documents in the schema (a 400 there means a body that is not JSON).

Only the payment webhooks (``/billing/webhooks/``) are exempt: their bodies come from the
payment provider, signed, and may describe a card (brand and last four digits).

The value is never logged, echoed or kept: one log line names the URL pattern and the field.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from io import BytesIO
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    ValidationError,
)
from django.core.files.uploadhandler import load_handler
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from clientvault.privacy.cards import find_card_number

logger = logging.getLogger(__name__)
V = TypeVar("V", bound=Callable[..., Any])

CHECKED_METHODS = frozenset({"POST", "PUT", "PATCH"})
EXEMPT_PREFIXES = ("/billing/webhooks/",)
# The mark of a view (or API operation) that takes free text, such as a support ticket, and
# passes it through the kernel's redactor before storing it: there a card number is removed and
# the sender told, rather than the whole message refused (``redacts_secrets``).
REDACTS = "redacts_secrets"
API_PREFIX = "/api/"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
WHOLE_BODY = "(the request body)"
API_MESSAGE = (
    "This looks like a payment card number. Card numbers are entered only in the secure "
    "payment form; nothing was saved."
)
# A field name fit for the log: what forms and schemas name fields with (no run of digits).
_LOGGABLE_NAME = re.compile(r"(?!.*\d{5})[A-Za-z_][A-Za-z0-9_.\[\]-]{0,79}")

Found = tuple[str | None, str]  # (the field, or None for the whole body; the text to check)


def page_message(field: str) -> str:
    return (
        f"The field \u201c{field}\u201d contains what looks like a payment card number. Card "
        "numbers are entered only in the secure payment form; nothing was saved."
    )


def _json_values(document: Any) -> Iterator[Found]:
    """Every string and number in a JSON document with its dotted path, in document order;
    object keys are checked under their parent's path (a key is not echoed as a field name).
    Numbers arrive as their text (``parse_int``/``parse_float``); true, false and null hold
    none. Walked with a stack, not recursion: any depth json accepts is read."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), document)]
    while stack:
        path, value = stack.pop()
        where = ".".join(path) or None
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            yield from ((where, key) for key in value)
            stack.extend(((*path, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            items = reversed(list(enumerate(value)))
            stack.extend(((*path, str(index)), item) for index, item in items)


def _form_values(data: QueryDict, files: Any) -> Iterator[Found]:
    for name, values in data.lists():
        for value in values:
            yield name, value
    for name, uploads in files.lists():
        for upload in uploads:
            yield name, upload.name or ""


def _values(request: HttpRequest) -> Iterator[Found]:
    """What the body holds, as (field, text); nothing when it cannot be read (the view or the
    API then answers as it would)."""
    content_type = request.content_type or ""
    if content_type in FORM_TYPES:
        if request.method == "POST":
            yield from _form_values(request.POST, request.FILES)
        elif content_type == "multipart/form-data":  # Django parses only a POST's
            handlers = [load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS]
            parser = MultiPartParser(
                request.META, BytesIO(request.body), handlers, request.encoding
            )
            yield from _form_values(*parser.parse())
        else:
            yield from _form_values(QueryDict(request.body, encoding=request.encoding), {})
    elif content_type == "application/json" or content_type.endswith("+json"):
        try:
            document = json.loads(request.body, parse_int=str, parse_float=str)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or too deep: the API says so
            return
        yield from _json_values(document)
    elif content_type.startswith("text/"):
        yield None, request.body.decode(request.encoding or "utf-8", errors="replace")


def card_field(request: HttpRequest) -> Found | None:
    """The first field whose value looks like a card number, as (field, description)."""
    try:
        for field, text in _values(request):
            found = find_card_number(text)
            if found is not None:
                return field, found
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, BadRequest):
        return None  # web.limits or the view answers these
    return None


def _back(request: HttpRequest) -> str:
    """The page the form was on (the Referer on this site), else this address."""
    referer = request.headers.get("Referer", "")
    allowed = {request.get_host()}
    if referer and url_has_allowed_host_and_scheme(referer, allowed, request.is_secure()):
        return referer
    return request.path


def _log(request: HttpRequest, field: str | None) -> None:
    route = getattr(request.resolver_match, "route", "?")
    named = field if field and _LOGGABLE_NAME.fullmatch(field) else "(a field)"
    logger.warning("Refused a card number in %s of a %s to %s", named, request.method, route)


def redacts_secrets(view: V) -> V:
    """Mark ``view`` as one that redacts secrets itself: card numbers reach it (to be removed)."""
    setattr(view, REDACTS, True)
    return view


_redacting_api_paths: list[str] = []


def register_redacting_api_path(prefix: str) -> None:
    """API operations under ``prefix`` redact secrets themselves (support's, say)."""
    if prefix not in _redacting_api_paths:
        _redacting_api_paths.append(prefix)


def redacts_in_api(path: str) -> bool:
    return path.startswith(tuple(_redacting_api_paths))


def refuse_card_numbers(request: HttpRequest) -> None:
    """For the API: a ValidationError naming the field (the API answers 422) when the body
    holds a card number."""
    if request.method not in CHECKED_METHODS:
        return
    found = card_field(request)
    if found is not None:
        _log(request, found[0])
        raise ValidationError({found[0] or NON_FIELD_ERRORS: API_MESSAGE}, code="card_number")


def refusal_page(request: HttpRequest, field: str | None) -> HttpResponse:
    if field is None:
        shown = WHOLE_BODY
    else:  # a name is echoed unless it looks like a card number itself
        shown = field if find_card_number(field) is None else "(one of the fields)"
    context = {"message": page_message(shown), "back": _back(request)}
    return render(request, "billing/card_number_refused.html", context, status=400)


class RefuseCardNumbersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method not in CHECKED_METHODS:
            return None
        if request.path.startswith((API_PREFIX, *EXEMPT_PREFIXES)):
            return None  # the API checks after its token check; webhooks are signed
        if getattr(view, REDACTS, False):
            return None  # the view takes free text and redacts secrets before storing it
        found = card_field(request)
        if found is None:
            return None
        _log(request, found[0])
        return refusal_page(request, found[0])
