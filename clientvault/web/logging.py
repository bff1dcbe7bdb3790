"""Request paths in application logs as their URL pattern, never as typed.

Django's request logger writes ``Forbidden: /staff/customers/CV-6811101/`` and the development
server ``"GET /staff/customers/CV-6811101/?page=2 HTTP/1.1" 403``; an account number is personal
data, and other paths carry ids and tokens. :class:`RouteOnlyFilter` (configured in settings
``LOGGING`` on ``django.request`` and ``django.server``) rewrites such a path to the pattern it
matched, ``/staff/customers/<str:number>/``, drops the query string, and reduces a path that
matches nothing to its first segment when that is one of the site's own (``/staff/…``), else
to ``/…``.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from django.urls import URLResolver, get_resolver, resolve

REQUEST_LINE = re.compile(r"(?P<method>[A-Z]+) (?P<target>\S+) (?P<version>HTTP/[\d.]+)")
UNMATCHED = "/…"


class RouteOnlyFilter(logging.Filter):
    """Replace every request path among a record's arguments with its URL pattern."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_scrubbed(arg) for arg in record.args)
        return True


def _scrubbed(arg: Any) -> Any:
    if not isinstance(arg, str):
        return arg
    if arg.startswith("/"):
        return safe_path(arg)
    line = REQUEST_LINE.fullmatch(arg)
    if line is None:
        return arg
    return f"{line['method']} {safe_path(line['target'])} {line['version']}"


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
