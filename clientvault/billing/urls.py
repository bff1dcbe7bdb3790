"""Billing's pages (namespace ``billing``): the customer area under /account/billing (the
overview, invoices, credit, billing details, payment methods), the back office under
/staff/billing."""

from django.urls import path

from clientvault.billing.views import invoices, methods, staff, webhooks

app_name = "billing"

urlpatterns = [
    path("account/billing", invoices.overview, name="overview"),
    path("account/billing/invoices", invoices.invoice_list, name="invoices"),
    path("account/billing/invoices/<str:number>", invoices.invoice_detail, name="invoice"),
    path("account/billing/invoices/<str:number>/pdf", invoices.invoice_pdf, name="invoice_pdf"),
    path("account/billing/invoices/<str:number>/pay", invoices.pay, name="pay"),
    path("account/billing/credit", invoices.credit, name="credit"),
    path("account/billing/details", invoices.details, name="details"),
    path("account/billing/methods", methods.methods, name="methods"),
    path("account/billing/methods/add", methods.method_add, name="method_add"),
    path("account/billing/methods/return/<uuid:pk>", methods.method_return, name="method_return"),
    path("account/billing/methods/sepa", methods.method_sepa, name="method_sepa"),
    path("account/billing/methods/<int:pk>/default", methods.method_default, name="method_default"),
    path("account/billing/methods/<int:pk>/remove", methods.method_remove, name="method_remove"),
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
    path("billing/webhooks/<slug:gateway>", webhooks.webhook, name="webhook"),
]
