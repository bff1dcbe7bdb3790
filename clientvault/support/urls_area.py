"""The customer area's tickets under /account/support; a ticket is named by its number."""

from django.urls import URLPattern, path

from clientvault.support.views import area

TICKETS = "account/support"

urlpatterns: list[URLPattern] = [
    path(TICKETS, area.ticket_list, name="tickets"),
    path(f"{TICKETS}/new", area.ticket_new, name="ticket_new"),
    path(f"{TICKETS}/<str:number>", area.ticket_detail, name="ticket"),
    path(f"{TICKETS}/<str:number>/reply", area.ticket_reply, name="ticket_reply"),
    path(f"{TICKETS}/<str:number>/close", area.ticket_close, name="ticket_close"),
    path(f"{TICKETS}/<str:number>/rate", area.ticket_rate, name="ticket_rate"),
    path(f"{TICKETS}/<str:number>/files/<uuid:pk>", area.attachment, name="ticket_file"),
]
