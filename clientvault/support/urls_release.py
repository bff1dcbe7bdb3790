"""Releasing a ticket outside through the disclosure register: /staff/support/<number>/release."""

from django.urls import URLPattern, path

from clientvault.support.views import release

urlpatterns: list[URLPattern] = [
    path("staff/support/<str:number>/release", release.release, name="staff_release"),
]
