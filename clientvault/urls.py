from django.contrib import admin
from django.urls import include, path

from clientvault.api import api

urlpatterns = [
    path("", include("clientvault.web.urls")),
    path("", include("clientvault.privacy.urls")),
    path("", include("clientvault.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
