"""Every route of clientvault.

There is no Django admin site: every route that signs anyone in goes through the accounts app's
sign-in pages (throttles, lockout, login history, tracked sessions, audit), and staff work in the
back office under /staff/ (tests/accounts/test_sign_in_path.py).
"""

from django.urls import include, path

from clientvault.api import api

urlpatterns = [
    path("", include("clientvault.web.urls")),
    path("", include("clientvault.privacy.urls")),
    path("", include("clientvault.messaging.urls")),
    path("", include("clientvault.accounts.urls")),
    path("", include("clientvault.rights.urls")),
    path("", include("clientvault.billing.urls")),
    path("", include("clientvault.hosting.urls")),
    path("", include("clientvault.support.urls")),
    path("", include("clientvault.legal.urls")),
    path("", include("clientvault.incidents.urls")),
    path("", include("clientvault.traffic.urls")),
    path("api/v1/", api.urls),
]
# 403 and 404 are Django's own views with the site's templates (403.html, 404.html).
handler400 = "clientvault.web.errors.bad_request"
handler500 = "clientvault.web.errors.server_error"
