"""Pages without a login: the authority's download link and the published transparency
reports."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clientvault.legal.queries import published_reports
from clientvault.legal.services.packages import RENDERERS, find_release, render_package


def package(request: HttpRequest, pk: uuid.UUID, secret: str) -> HttpResponse:
    """The link given to the authority: its packages, then each file."""
    release = find_release(release_id=pk, secret=secret)
    if release is None:
        return render(request, "legal/package_gone.html", status=404)
    packages = list(release.packages.select_related("subject"))
    chosen = next((p for p in packages if str(p.pk) == request.GET.get("package")), None)
    fmt = request.GET.get("format", "")
    if chosen is None or fmt not in RENDERERS:
        context = {"release": release, "packages": packages, "secret": secret}
        return render(request, "legal/package.html", context)
    content, content_type, name = render_package(package=chosen, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def transparency(request: HttpRequest) -> HttpResponse:
    return render(request, "legal/transparency.html", {"reports": published_reports()})
