"""The API reference at /api/v1/docs: served from our own origin under the site's content
security policy, showing what each operation needs."""

from urllib.parse import urlsplit

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

DOCS = "/api/v1/docs"


def test_the_docs_load_only_from_our_origin_and_show_each_operations_permission(
    page, live_server, shot
):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(DOCS)
    assert response.status == 200
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    page.get_by_role("link", name="POST /api/v1/users/invitations").click()
    operation = page.locator("section.operation", has=page.locator("#invite_user"))
    needs = operation.get_by_text("the contacts permission", exact=False)
    assert needs.is_visible()
    shot(page, "api-docs")
    ours = urlsplit(live_server.url).netloc
    elsewhere = [url for url in requested if urlsplit(url).netloc not in {ours, ""}]
    assert requested
    assert elsewhere == []


def test_the_hosting_operations_show_the_permission_each_needs(page, live_server):
    page.goto(DOCS)
    for link, operation_id, permission, answers_503 in (
        ("POST /api/v1/hosting/orders", "place_order", "the services permission", 1),
        (
            "PUT /api/v1/hosting/domains/{name}/contacts/{role}",
            "set_domain_contact",
            "the domains permission",
            0,
        ),
    ):
        page.get_by_role("link", name=link, exact=True).click()
        operation = page.locator("section.operation", has=page.locator(f"#{operation_id}"))
        assert operation.get_by_text(permission, exact=False).is_visible()
        # the registrar may be out of reach when an order is placed, never for a contact
        assert operation.get_by_text("503", exact=True).count() == answers_503
