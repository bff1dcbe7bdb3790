"""Hosting's pages (namespace ``hosting``): the customer area under /account/services and
/account/domains (``urls_area``), the back office under /staff/hosting (``urls_staff``)."""

from clientvault.hosting.urls_area import urlpatterns as area
from clientvault.hosting.urls_staff import urlpatterns as staff

app_name = "hosting"

urlpatterns = [*area, *staff]
