"""The project's routes, plus views that forget the cookie rules (COL-8): one sets a cookie the
registry does not declare, one a preference cookie whatever the visitor said."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from clientvault.privacy.cookies import TEXT_SIZE_COOKIE
from clientvault.urls import handler400, handler500  # noqa: F401  (the site's error pages)
from clientvault.urls import urlpatterns as project


def undeclared(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("a tracker")
    response.set_cookie("tracker", "1")
    response.set_cookie("csrftoken", "x" * 32)  # declared: let through
    return response


def preference(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("larger text, unasked")
    response.set_cookie(TEXT_SIZE_COOKIE, "large")
    return response


def removes(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("removing")
    response.delete_cookie("tracker")
    response.delete_cookie(TEXT_SIZE_COOKIE)
    return response


urlpatterns = [
    path("test/undeclared", undeclared),
    path("test/preference", preference),
    path("test/removes", removes),
    *project,
]
