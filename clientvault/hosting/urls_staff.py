"""The back office's hosting pages, under /staff/hosting (names ``staff_*``)."""

from django.urls import URLPattern, path

from clientvault.hosting.views import staff, staff_domains, staff_services

urlpatterns: list[URLPattern] = [
    path("staff/hosting/customers/<str:number>/", staff.customer_hosting, name="staff_customer"),
    path("staff/hosting/customers/<str:number>/order/", staff.order, name="staff_order"),
    path(
        "staff/hosting/services/<str:reference>/",
        staff_services.service_detail,
        name="staff_service",
    ),
    path(
        "staff/hosting/services/<str:reference>/suspend/",
        staff_services.service_suspend,
        name="staff_service_suspend",
    ),
    path(
        "staff/hosting/services/<str:reference>/unsuspend/",
        staff_services.service_unsuspend,
        name="staff_service_unsuspend",
    ),
    path(
        "staff/hosting/services/<str:reference>/cancel/",
        staff_services.service_cancel,
        name="staff_service_cancel",
    ),
    path(
        "staff/hosting/services/<str:reference>/plan/",
        staff_services.service_plan,
        name="staff_service_plan",
    ),
    path(
        "staff/hosting/calls/<uuid:pk>/retry/", staff_services.call_retry, name="staff_call_retry"
    ),
    path("staff/hosting/domains/<uuid:pk>/", staff_domains.domain_detail, name="staff_domain"),
    path(
        "staff/hosting/domains/<uuid:pk>/renew/",
        staff_domains.domain_renew,
        name="staff_domain_renew",
    ),
    path(
        "staff/hosting/domains/<uuid:pk>/retry/",
        staff_domains.domain_retry,
        name="staff_domain_retry",
    ),
    path(
        "staff/hosting/domains/<uuid:pk>/contacts/<str:role>/",
        staff_domains.domain_contact,
        name="staff_domain_contact",
    ),
]
