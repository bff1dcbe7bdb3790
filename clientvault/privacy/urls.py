from django.urls import path

from clientvault.privacy import cookie_views, views

app_name = "privacy"
urlpatterns = [
    path("privacy", views.policy, name="policy"),
    path("privacy/versions", views.versions, name="versions"),
    path("privacy/versions/<int:number>", views.version, name="version"),
    path("cookies", cookie_views.cookies, name="cookies"),
    path(".well-known/gpc.json", cookie_views.gpc_support, name="gpc"),
]
