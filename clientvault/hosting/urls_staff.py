"""The back office's hosting pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
