from django.urls import path

from clientvault.messaging import views

app_name = "messaging"
urlpatterns = [
    path("unsubscribe/<str:token>", views.unsubscribe_page, name="unsubscribe"),
]
