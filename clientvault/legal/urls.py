"""The legal pages (namespace ``legal``): the back office's register, the authority's link,
the public transparency page."""

from django.urls import path

from clientvault.legal.views import public, staff

app_name = "legal"

D = "staff/legal/demands/<uuid:pk>"
urlpatterns = [
    path("staff/legal/demands/", staff.staff_demands, name="staff_demands"),
    path("staff/legal/demands/new/", staff.staff_demand_new, name="staff_demand_new"),
    path(f"{D}/", staff.staff_demand, name="staff_demand"),
    path(f"{D}/review", staff.staff_demand_review, name="staff_demand_review"),
    path(f"{D}/challenge", staff.staff_demand_challenge, name="staff_demand_challenge"),
    path(f"{D}/refuse", staff.staff_demand_refuse, name="staff_demand_refuse"),
    path(f"{D}/complete", staff.staff_demand_complete, name="staff_demand_complete"),
    path(f"{D}/preserve", staff.staff_demand_preserve, name="staff_demand_preserve"),
    path(f"{D}/unpreserve", staff.staff_demand_unpreserve, name="staff_demand_unpreserve"),
    path(f"{D}/notice", staff.staff_demand_notice, name="staff_demand_notice"),
    path(f"{D}/release", staff.staff_release_prepare, name="staff_release_prepare"),
    path("staff/legal/releases/<uuid:pk>/", staff.staff_release, name="staff_release"),
    path(
        "staff/legal/releases/<uuid:pk>/approve",
        staff.staff_release_approve,
        name="staff_release_approve",
    ),
    path("legal/packages/<uuid:pk>/<str:secret>", public.package, name="package"),
    path("transparency", public.transparency, name="transparency"),
]
