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
