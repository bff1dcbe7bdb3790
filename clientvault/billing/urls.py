"""Billing's pages (namespace ``billing``): the customer area under /account/billing, the back
office under /staff/billing."""

from django.urls import path

from clientvault.billing.views import invoices, staff

app_name = "billing"

urlpatterns = [
    path("account/billing", invoices.overview, name="overview"),
    path("account/billing/invoices", invoices.invoice_list, name="invoices"),
    path("account/billing/invoices/<str:number>", invoices.invoice_detail, name="invoice"),
    path("account/billing/invoices/<str:number>/pdf", invoices.invoice_pdf, name="invoice_pdf"),
    path("account/billing/credit", invoices.credit, name="credit"),
    path("account/billing/details", invoices.details, name="details"),
    path("staff/billing/", staff.invoice_list, name="staff_invoices"),
    path("staff/billing/invoices/<int:pk>/", staff.invoice_detail, name="staff_invoice"),
    path("staff/billing/customers/<str:number>/", staff.customer_billing, name="staff_account"),
    path("staff/billing/invoices/<int:pk>/payment/", staff.manual_payment, name="staff_payment"),
    path(
        "staff/billing/invoices/<int:pk>/credit-note/",
        staff.credit_note,
        name="staff_credit_note",
    ),
    path("staff/billing/payments/<int:pk>/refund/", staff.refund, name="staff_refund"),
    path("staff/billing/customers/<str:number>/credit/", staff.credit_add, name="staff_credit_add"),
    path(
        "staff/billing/methods/<int:pk>/billing-address/",
        staff.reveal_address,
        name="staff_reveal_address",
    ),
]
