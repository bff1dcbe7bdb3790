"""Request paths in application logs as their URL pattern, never as typed.

Django's request logger writes ``Forbidden: /staff/customers/CV-6811101/``, its CSRF logger
``Forbidden (CSRF cookie not set.): /staff/customers/CV-6811101/status/`` and the development
server ``"GET /staff/customers/CV-6811101/?page=2 HTTP/1.1" 403``; an account number is personal
data, and other paths carry ids and tokens. :class:`RouteOnlyFilter` rewrites such a path to the
pattern it matched, ``/staff/customers/<str:number>/``, drops the query string, and reduces a
path that matches nothing to its first segment when that is one of the site's own
(``/staff/…``), else to ``/…``.

It sits on the handlers in settings ``LOGGING`` (``console``, which the root logger and so every
propagating logger writes through, and ``django.server``), not on chosen loggers, so a record
from any logger passes it. An argument that is a path, or a request line, is rewritten whole;
in the message text and in other arguments every path of this site (one that resolves, or starts
with one of its segments) and the path of every ``http(s)://`` address is rewritten, while a
path outside the site, such as a source file in a list of frames, is left as it is.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from django.urls import URLResolver, get_resolver, resolve

REQUEST_LINE = re.compile(r"(?P<method>[A-Z]+) (?P<target>\S+) (?P<version>HTTP/[\d.]+)")
# A web address's path; a path standing alone (not inside a word, an address or a file name).
URL_PATH = r"(?P<origin>https?://[^\s/\"'<>]+)(?P<url_path>/[^\s\"'<>]*)"
TEXT_PATH = r"(?<![\w.:/~%-])(?P<path>/[^\s\"'<>]*)"
UNMATCHED = "/…"
_DONE = "_clientvault_route_only"


class RouteOnlyFilter(logging.Filter):
    """Replace every request path in a record's message (arguments included) and traceback
    with its URL pattern. A record is rewritten once, whichever handlers it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _DONE, False):
            return True
        setattr(record, _DONE, True)
        record.msg, record.args = _scrubbed_message(record), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        return True


def _scrubbed_message(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit: logging would print them raw, so drop them
        return scrub_text(str(record.msg)) + " [arguments left out: they do not fit the message]"
    return scrub_text(message, whole=_request_paths(record.args))


def _request_paths(args: Any) -> list[str]:
    """The arguments that are a request path, or a request line's target: rewritten whole,
    even when they match nothing of this site."""
    values = args.values() if isinstance(args, Mapping) else args or ()
    paths = []
    for value in values:
        if not isinstance(value, str):
            continue
        line = REQUEST_LINE.fullmatch(value)
        if value.startswith("/") or line:
            paths.append(line["target"] if line else value)
    return paths


def scrub_text(text: str, *, whole: Iterable[str] = ()) -> str:
    """``text`` with the path of every web address, every path of this site and each of
    ``whole`` rewritten, in one pass (a rewritten path is not read again)."""
    exact = "|".join(re.escape(path) for path in sorted(set(whole), key=len, reverse=True))
    pattern = f"(?P<whole>{exact})|{URL_PATH}|{TEXT_PATH}" if exact else f"{URL_PATH}|{TEXT_PATH}"
    return re.sub(pattern, _rewrite, text)


def _rewrite(match: re.Match[str]) -> str:
    if match["url_path"] is not None:
        return match["origin"] + safe_path(match["url_path"])
    if match["path"] is not None:
        return _site_path(match["path"])
    return safe_path(match["whole"])


def _site_path(path: str) -> str:
    """A path of this site as its pattern; any other path (a file's, say) as it is."""
    first = path.strip("/").split("/", 1)[0].split("?", 1)[0]
    if first in _site_prefixes() or _resolves(path):
        return safe_path(path)
    return path


def _resolves(path: str) -> bool:
    try:
        resolve(unquote(path.split("?", 1)[0]))
    except Exception:  # a 404, or a path the resolver cannot read
        return False
    return True


def safe_path(target: str) -> str:
    """``/staff/customers/<str:number>/`` for ``/staff/customers/CV-6811101/?x=1``."""
    path = unquote(target.split("?", 1)[0].split("#", 1)[0])
    try:
        match = resolve(path)
    except Exception:  # a 404, or a path the resolver cannot read: never fail a log line
        return _first_segment(path)
    return "/" + match.route


def _first_segment(path: str) -> str:
    first = path.strip("/").split("/", 1)[0]
    return f"/{first}/…" if first in _site_prefixes() else UNMATCHED


@functools.cache
def _site_prefixes() -> frozenset[str]:
    """The first path segments the site's own URL patterns start with (``staff``, ``api``…)."""
    return frozenset(_prefixes(get_resolver().url_patterns, ""))


def _prefixes(patterns: Iterable[Any], prefix: str) -> Iterable[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver) and not route:
            yield from _prefixes(pattern.url_patterns, route)
            continue
        first = route.split("/", 1)[0]
        if first and not set(first) & set("<([?*+\\$"):
            yield first


# Statuses a request may end in without anything being wrong with the site: a refusal, a page
# or object that does not exist, a method or request the page does not take.
EXPECTED_STATUSES = frozenset({400, 403, 404, 405, 410})


class ExpectedErrorFilter(logging.Filter):
    """On ``django.request``: a refusal or a missing page is logged as its one line
    (``Forbidden (Permission denied): /account/users``), without the traceback Django attaches.

    Django logs PermissionDenied and Http404 with ``exc_info``; for these the traceback only
    shows where the view said no. A 5xx keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in EXPECTED_STATUSES:
            record.exc_info = None
            record.exc_text = None
        return True
