"""The incidents pages (namespace ``incidents``)."""

from django.urls import URLPattern

app_name = "incidents"

urlpatterns: list[URLPattern] = []
