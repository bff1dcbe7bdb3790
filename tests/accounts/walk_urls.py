"""The project's routes plus new ones nobody listed, to show the access walk names them."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from clientvault.urls import urlpatterns as project


def open_to_anyone(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("anyone gets in")


walk = (
    [
        path("walk/item/<int:pk>", open_to_anyone, name="walk_item"),
        path("walk/unnamed", open_to_anyone),
    ],
    "walk",
)
urlpatterns = [
    *project,
    path("walk/unlisted", open_to_anyone, name="walk_unlisted"),
    path("", include(walk)),
]
