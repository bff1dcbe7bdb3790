"""The back office's tickets under /staff/support (names ``staff_*``); a ticket is named by its
number, an account by its number."""

from django.urls import URLPattern, path

from clientvault.support.views import staff, staff_actions, staff_changes

STAFF = "staff/support"
TICKET = f"{STAFF}/tickets/<str:number>"

urlpatterns: list[URLPattern] = [
    path(f"{STAFF}/", staff.queue, name="staff_queue"),
    path(f"{TICKET}/", staff.ticket_detail, name="staff_ticket"),
    path(f"{TICKET}/files/<uuid:pk>/", staff.ticket_file, name="staff_ticket_file"),
    path(f"{TICKET}/reply/", staff_changes.ticket_reply, name="staff_ticket_reply"),
    path(f"{TICKET}/status/", staff_changes.ticket_status, name="staff_ticket_status"),
    path(f"{TICKET}/priority/", staff_changes.ticket_priority, name="staff_ticket_priority"),
    path(f"{TICKET}/department/", staff_changes.ticket_department, name="staff_ticket_department"),
    path(f"{TICKET}/assign/", staff_changes.ticket_assign, name="staff_ticket_assign"),
    path(f"{TICKET}/actions/", staff_actions.ticket_action, name="staff_ticket_action"),
    path(f"{STAFF}/customers/<str:number>/new/", staff.open_ticket, name="staff_open"),
]
