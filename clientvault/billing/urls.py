"""Billing's pages (namespace ``billing``): the customer area under /account/billing, the back
office under /staff/billing."""

from django.urls import path

from clientvault.billing.views import invoices

app_name = "billing"

urlpatterns = [
    path("account/billing", invoices.overview, name="overview"),
    path("account/billing/invoices", invoices.invoice_list, name="invoices"),
    path("account/billing/invoices/<str:number>", invoices.invoice_detail, name="invoice"),
    path("account/billing/credit", invoices.credit, name="credit"),
]
