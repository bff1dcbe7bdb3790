"""The traffic pages (namespace ``traffic``): the back office's dashboards, the customer's usage."""

from django.urls import path

from clientvault.traffic.views import customer, staff

app_name = "traffic"

urlpatterns = [
    path("staff/traffic/", staff.staff_traffic, name="staff_traffic"),
    path("staff/traffic/<str:site>/", staff.staff_traffic_site, name="staff_traffic_site"),
    path(
        "staff/traffic/<str:site>/export.csv",
        staff.staff_traffic_export,
        name="staff_traffic_export",
    ),
    # As the rest of the customer area: no slash at the end.
    path("account/usage", customer.usage, name="usage"),
    path("account/usage/<str:reference>", customer.service_usage, name="service_usage"),
]
