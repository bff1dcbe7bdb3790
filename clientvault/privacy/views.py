from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def policy(request: HttpRequest) -> HttpResponse:
    return HttpResponse("privacy policy")


def versions(request: HttpRequest) -> HttpResponse:
    return HttpResponse("versions")
