"""The incidents pages (namespace ``incidents``): the customer's notices and the back office."""

from django.urls import path

from clientvault.incidents.views import customer, notices, staff

app_name = "incidents"

_I = "staff/incidents/<uuid:pk>/"
urlpatterns = [
    path("account/security-notices", customer.security_notices, name="security_notices"),
    path("staff/incidents/", staff.staff_incidents, name="staff_incidents"),
    path("staff/incidents/new/", staff.staff_new, name="staff_new"),
    path(_I, staff.staff_incident, name="staff_incident"),
    path(_I + "scope", staff.staff_scope, name="staff_scope"),
    path(_I + "decide", staff.staff_decide, name="staff_decide"),
    path(_I + "regulator-notified", staff.staff_regulator_notified, name="staff_notified"),
    path(_I + "close", staff.staff_close, name="staff_close"),
    path(_I + "draft", staff.staff_draft, name="staff_draft"),
    path(_I + "notify", staff.staff_notify, name="staff_notify"),
    path(_I + "letters.pdf", notices.staff_letters, name="staff_letters"),
    path(_I + "letters/<uuid:notice>.pdf", notices.staff_letter, name="staff_letter"),
    path(_I + "calls", notices.staff_calls, name="staff_calls"),
    path(_I + "calls/<uuid:notice>", notices.staff_call, name="staff_call"),
]
