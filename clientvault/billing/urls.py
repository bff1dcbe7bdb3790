"""Billing's routes (namespace ``billing``): the customer's pages under /account/billing/."""

from django.urls import path

from clientvault.billing.views import methods, webhooks

app_name = "billing"
urlpatterns = [
    path("account/billing/methods", methods.methods, name="methods"),
    path("account/billing/methods/add", methods.method_add, name="method_add"),
    path("account/billing/methods/return/<uuid:pk>", methods.method_return, name="method_return"),
    path("account/billing/methods/sepa", methods.method_sepa, name="method_sepa"),
    path("account/billing/methods/<int:pk>/default", methods.method_default, name="method_default"),
    path("account/billing/methods/<int:pk>/remove", methods.method_remove, name="method_remove"),
    path("billing/webhooks/<slug:gateway>", webhooks.webhook, name="webhook"),
]
