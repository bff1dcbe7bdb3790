"""The project's routes, the project's error handlers, and views that fail on purpose."""

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from clientvault.urls import handler400, handler500
from clientvault.urls import urlpatterns as project


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the test view failed")


def bad(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a malformed request")


def broken_context(request: HttpRequest) -> dict[str, object]:
    raise RuntimeError("a context processor that cannot reach the database")


urlpatterns = [
    *project,
    path("boom", boom),
    path("boom-without-database", boom),
    path("bad", bad),
]
__all__ = ["handler400", "handler500", "urlpatterns"]
