"""The project's routes, plus two views that say they ran: one where the card guard applies, and
one under the payment webhooks' prefix, which it leaves alone."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from clientvault.urls import urlpatterns as project

RAN = b"the view ran"


@csrf_exempt
def echo(request: HttpRequest) -> HttpResponse:
    return HttpResponse(RAN)


urlpatterns = [
    path("echo", echo),
    path("billing/webhooks/test", echo),  # before the project's own, so this one answers
    *project,
]
