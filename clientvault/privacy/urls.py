from django.urls import path

from clientvault.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy", views.policy, name="policy"),
    path("privacy/versions", views.versions, name="versions"),
    path("privacy/versions/<int:number>", views.version, name="version"),
]
