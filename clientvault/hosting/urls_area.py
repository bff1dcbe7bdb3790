"""The customer area's hosting pages: services (and the order form) under /account/services,
domains and their contacts under /account/domains. A service is named by its reference, a
domain by its name (A-labels)."""

from django.urls import URLPattern, path

from clientvault.hosting.views import area_contacts, area_domains, area_orders, area_services

SERVICES = "account/services"
DOMAINS = "account/domains"

urlpatterns: list[URLPattern] = [
    path(SERVICES, area_services.service_list, name="services"),
    path(f"{SERVICES}/order", area_orders.order, name="order"),
    path(f"{SERVICES}/<str:reference>", area_services.service_detail, name="service"),
    path(f"{SERVICES}/<str:reference>/cancel", area_services.service_cancel, name="service_cancel"),
    path(f"{SERVICES}/<str:reference>/plan", area_services.service_plan, name="service_plan"),
    path(DOMAINS, area_domains.domain_list, name="domains"),
    path(f"{DOMAINS}/<str:name>", area_domains.domain_detail, name="domain"),
    path(f"{DOMAINS}/<str:name>/renew", area_domains.domain_renew, name="domain_renew"),
    path(
        f"{DOMAINS}/<str:name>/auto-renew",
        area_domains.domain_auto_renew,
        name="domain_auto_renew",
    ),
    path(
        f"{DOMAINS}/<str:name>/id-protection",
        area_domains.domain_id_protection,
        name="domain_id_protection",
    ),
    path(f"{DOMAINS}/<str:name>/auth-code", area_domains.domain_auth_code, name="domain_auth_code"),
    path(f"{DOMAINS}/<str:name>/retry", area_domains.domain_retry, name="domain_retry"),
    path(f"{DOMAINS}/<str:name>/contacts", area_contacts.domain_contacts, name="domain_contacts"),
    path(
        f"{DOMAINS}/<str:name>/contacts/<uuid:pk>",
        area_contacts.contact_edit,
        name="domain_contact",
    ),
]
