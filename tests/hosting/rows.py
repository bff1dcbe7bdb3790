"""Hosting rows of an account for the walks (access, accessibility, API): made once, found
again, so a walk may ask for them as often as it fills a route."""

from __future__ import annotations

from clientvault.accounts.models import Person
from clientvault.hosting.models import Domain, Order, RemoteCall, Service
from clientvault.hosting.services.catalogue import ensure_catalogue
from clientvault.hosting.services.contacts import contact_for_person
from tests.hosting.staff_support import a_call
from tests.hosting.support import SYSTEM, make_domain, make_service

WALK_DOMAIN = "walk-site.com"


def a_service(owner: Person) -> Service:
    ensure_catalogue()
    found = Service.objects.filter(customer=owner.customer).first()
    return found or make_service(owner, domain=WALK_DOMAIN)


def a_domain(owner: Person) -> Domain:
    ensure_catalogue()
    found = Domain.objects.filter(customer=owner.customer).first()
    return found or make_domain(owner, WALK_DOMAIN)


def a_failed_call(owner: Person) -> RemoteCall:
    service = a_service(owner)
    found = RemoteCall.objects.filter(service=service).first()
    return found or a_call(service=service, attempts=5, last_error="The panel did not answer.")


def an_order(owner: Person) -> Order:
    service = a_service(owner)
    if service.order is None:
        service.order = Order.objects.create(customer=owner.customer, channel="online")
        service.save(update_fields=["order"])
    return service.order


def a_contact_id(owner: Person) -> str:
    return str(contact_for_person(person=owner, actor=SYSTEM).pk)
