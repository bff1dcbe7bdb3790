"""clientvault's URLs and ``/bench/bare``: the cheapest Django view, the benchmark's baseline."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    """No database, no template: what any page costs at least in these processes."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare, name="bench_bare"),
    path("", include("clientvault.urls")),
]
