from django.urls import path

from clientvault.web import mailbox, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("text-size", views.text_size, name="text_size"),
    path("dev/mailbox", mailbox.listing, name="dev_mailbox"),
    path("dev/mailbox/<str:name>", mailbox.message, name="dev_mailbox_message"),
]
