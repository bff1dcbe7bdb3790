"""The rights pages (namespace ``rights``): customer area, public form, back office."""

from django.urls import path

from clientvault.rights.views import customer, public, staff

app_name = "rights"

urlpatterns = [
    path("account/privacy", customer.privacy, name="privacy"),
    path("account/privacy/requests/new", customer.new_request, name="new_request"),
    path("account/privacy/requests/<uuid:pk>", customer.request_page, name="request"),
    path("account/privacy/requests/<uuid:pk>/confirm", customer.confirm, name="confirm"),
    path("account/privacy/requests/<uuid:pk>/send-code", customer.send, name="send_code"),
    path("account/privacy/requests/<uuid:pk>/code", customer.enter_code, name="enter_code"),
    path(
        "account/privacy/requests/<uuid:pk>/withdraw",
        customer.withdraw_request,
        name="withdraw",
    ),
    path(
        "account/privacy/requests/<uuid:pk>/download/<str:fmt>",
        customer.download,
        name="download",
    ),
    path("privacy/request", public.public_request, name="public_request"),
    path("privacy/request/<uuid:pk>", public.public_verify, name="public_verify"),
    path("privacy/exports/<uuid:pk>/<str:secret>", public.export_link, name="export_link"),
    path("staff/privacy-requests/", staff.requests_queue, name="privacy_queue"),
    path("staff/privacy-requests/new/", staff.new_request, name="privacy_new"),
    path("staff/privacy-requests/<uuid:pk>/", staff.request_detail, name="privacy_request"),
    path(
        "staff/privacy-requests/<uuid:pk>/send-code", staff.send_code_view, name="privacy_send_code"
    ),
    path("staff/privacy-requests/<uuid:pk>/checked", staff.checked, name="privacy_checked"),
    path("staff/privacy-requests/<uuid:pk>/approve", staff.approve, name="privacy_approve"),
    path("staff/privacy-requests/<uuid:pk>/refuse", staff.refuse_view, name="privacy_refuse"),
    path("staff/privacy-requests/<uuid:pk>/extend", staff.extend_view, name="privacy_extend"),
    path("staff/privacy-requests/<uuid:pk>/retry", staff.retry, name="privacy_retry"),
]
