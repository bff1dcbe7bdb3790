"""Hosting's pages (namespace ``hosting``): the customer area under /account/services and
/account/domains (``urls_area``), the back office under /staff/hosting (``urls_staff``)."""

from django.urls import path

from clientvault.hosting.urls_area import urlpatterns as area
from clientvault.hosting.urls_staff import urlpatterns as staff
from clientvault.hosting.views import area_sync

app_name = "hosting"

urlpatterns = [
    *area,
    *staff,
    path(
        "account/domains/contacts/from-profile",
        area_sync.contacts_sync,
        name="domain_contacts_sync",
    ),
]
