"""The customer area's hosting pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
