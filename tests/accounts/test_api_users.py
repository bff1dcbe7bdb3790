"""/api/v1/users: the people on the token user's account, invited, changed and removed."""

import pytest

from clientvault.accounts.models import ClientLogEntry, Invitation, Person
from clientvault.accounts.services import create_api_token
from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    outsider,
    staff,
    teammate,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

USERS = "/api/v1/users"
INVITE = "/api/v1/users/invitations"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def _auth(person_or_user):
    user = getattr(person_or_user, "user", person_or_user)
    _, raw = create_api_token(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _invite(client, who, body):
    return client.post(INVITE, body, content_type="application/json", **_auth(who))


def _patch(client, who, person_id, body):
    path = f"{USERS}/{person_id}"
    return client.patch(path, body, content_type="application/json", **_auth(who))


@pytest.fixture
def manager(customer):  # noqa: F811
    """An authorised user who may manage people, holding billing and contacts only."""
    return add_authorised_user(
        customer, username="mary", email="mary@example.com", permissions=["billing", "contacts"]
    )


# --- GET /users -------------------------------------------------------------------------------


def test_it_lists_the_people_on_the_account_owner_first(client, customer, teammate):  # noqa: F811
    response = client.get(USERS, **_auth(customer))
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 25)
    assert body["items"] == [
        {
            "id": str(customer.pk),
            "role": "owner",
            "permissions": customer.permissions,
            "display_name": "Ada Lovelace",
        },
        {
            "id": str(teammate.pk),
            "role": "authorised_user",
            "permissions": ["billing", "support"],
            "display_name": "Grace Teammate",
        },
    ]


def test_it_lets_a_teammate_with_the_contacts_permission_list_people(client, manager):
    response = client.get(USERS, **_auth(manager))
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_it_shows_an_outsider_only_their_own_account(client, outsider, teammate):  # noqa: F811
    body = client.get(USERS, **_auth(outsider)).json()
    assert [item["id"] for item in body["items"]] == [str(outsider.pk)]


def test_it_pages_people_25_at_a_time(client, customer):  # noqa: F811
    for n in range(26):
        add_authorised_user(customer, username=f"user{n}", email=f"user{n}@example.com")
    auth = _auth(customer)
    first = client.get(USERS, **auth).json()
    second = client.get(USERS, {"page": 2}, **auth).json()
    assert (len(first["items"]), len(second["items"]), second["count"]) == (25, 2, 27)
    ids = {item["id"] for item in first["items"] + second["items"]}
    assert len(ids) == 27
    third = client.get(USERS, {"page": 3}, **auth).json()
    assert third["items"] == []


@pytest.mark.parametrize("page", ["0", "100001", "9223372036854775808", str(10**30)])
def test_it_refuses_a_page_number_out_of_range_naming_it(client, customer, page):  # noqa: F811
    response = client.get(USERS, {"page": page}, **_auth(customer))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "page"


# --- POST /users/invitations ------------------------------------------------------------------


def test_it_invites_someone_by_email_with_permissions(client, customer):  # noqa: F811
    response = _invite(
        client, customer, {"email": "Linus@Example.org", "permissions": ["support", "billing"]}
    )
    assert response.status_code == 201
    body = response.json()
    invitation = Invitation.objects.get(customer=customer.customer)
    assert body["id"] == str(invitation.pk)
    assert (body["email"], body["permissions"]) == ("Linus@example.org", ["billing", "support"])
    assert body["expires_at"] > body["created_at"]
    assert invitation.invited_by == customer.user
    assert ClientLogEntry.objects.filter(customer=customer.customer, event="user_invited").exists()


@pytest.mark.parametrize(
    ("body", "field", "message_start"),
    [
        ({"email": "", "permissions": []}, "email", "E-mail address is required"),
        ({"email": "not-an-address"}, "email", "E-mail address:"),
        ({"email": "otto@example.net"}, "email", "E-mail address:"),
        ({"email": "linus@example.org", "permissions": ["root"]}, "permissions.0", "Input"),
        ({"permissions": ["billing"]}, "email", "Field required"),
        ({"email": "linus@example.org", "role": "owner"}, "role", "Extra inputs"),
        ({"email": "linus@exam\x07ple.org"}, "email", "Remove the control character"),
    ],
    ids=["empty", "malformed", "taken", "unknown-permission", "missing", "extra", "control"],
)
def test_it_refuses_a_bad_invitation_with_422_naming_the_field(
    client,
    customer,  # noqa: F811
    outsider,  # noqa: F811
    body,
    field,
    message_start,
):
    response = _invite(client, customer, body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == field
    assert error["message"].startswith(message_start)
    assert not Invitation.objects.exists()


def test_it_lets_a_manager_give_only_permissions_they_hold(client, manager):
    first = _invite(client, manager, {"email": "a@example.org", "permissions": ["billing"]})
    assert first.status_code == 201
    response = _invite(client, manager, {"email": "b@example.org", "permissions": ["domains"]})
    assert response.status_code == 403
    assert "Domains" in response.json()["detail"]
    assert Invitation.objects.count() == 1


# --- PATCH /users/{id} ------------------------------------------------------------------------


def test_it_sets_a_teammates_permissions(client, customer, teammate):  # noqa: F811
    response = _patch(client, customer, teammate.pk, {"permissions": ["privacy", "contacts"]})
    assert response.status_code == 200
    assert response.json()["permissions"] == ["contacts", "privacy"]
    teammate.refresh_from_db()
    assert teammate.permissions == ["contacts", "privacy"]


def test_it_refuses_to_change_the_owner(client, customer, manager):  # noqa: F811
    for who in [customer, manager]:
        response = _patch(client, who, customer.pk, {"permissions": []})
        assert response.status_code == 403
        assert "owner" in response.json()["detail"]
    customer.refresh_from_db()
    assert "contacts" in customer.permissions


def test_it_refuses_a_manager_changing_their_own_access(client, manager):
    response = _patch(client, manager, manager.pk, {"permissions": ["billing"]})
    assert response.status_code == 403
    manager.refresh_from_db()
    assert manager.permissions == ["billing", "contacts"]


def test_it_refuses_unknown_permissions_with_422(client, customer, teammate):  # noqa: F811
    response = _patch(client, customer, teammate.pk, {"permissions": ["billing", "everything"]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "permissions.1"
    assert _patch(client, customer, teammate.pk, {}).status_code == 422


def test_it_answers_404_for_an_unknown_or_malformed_id(client, customer):  # noqa: F811
    assert _patch(client, customer, UNKNOWN_ID, {"permissions": []}).status_code == 404
    response = _patch(client, customer, "42", {"permissions": []})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "person_id"


# --- DELETE /users/{id} -----------------------------------------------------------------------


def test_it_removes_a_teammate_who_then_disappears_and_loses_api_access(
    client,
    customer,  # noqa: F811
    teammate,  # noqa: F811
):
    teammate_auth = _auth(teammate)
    response = client.delete(f"{USERS}/{teammate.pk}", **_auth(customer))
    assert response.status_code == 204
    assert response.content == b""
    listed = client.get(USERS, **_auth(customer)).json()["items"]
    assert [item["id"] for item in listed] == [str(customer.pk)]
    assert client.get("/api/v1/me", **teammate_auth).status_code == 401
    again = client.delete(f"{USERS}/{teammate.pk}", **_auth(customer))
    assert again.status_code == 404


def test_it_refuses_to_remove_the_owner(client, customer):  # noqa: F811
    response = client.delete(f"{USERS}/{customer.pk}", **_auth(customer))
    assert response.status_code == 403
    assert Person.objects.get(pk=customer.pk).user_id == customer.user_id


# --- who may reach what -----------------------------------------------------------------------

OPERATIONS = [
    ("get", USERS, None),
    ("post", INVITE, {"email": "linus@example.org", "permissions": []}),
    ("patch", f"{USERS}/{{pk}}", {"permissions": ["billing"]}),
    ("delete", f"{USERS}/{{pk}}", None),
]
IDS = ["list", "invite", "set-permissions", "remove"]


def _call(client, method, path, body, target, auth):
    path = path.format(pk=target.pk)
    if body is None:
        return getattr(client, method)(path, **auth)
    return getattr(client, method)(path, body, content_type="application/json", **auth)


def _untouched(target):
    target.refresh_from_db()
    assert target.user_id is not None
    assert target.permissions == ["billing", "support"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS, ids=IDS)
def test_it_refuses_a_teammate_without_the_contacts_permission_with_403(
    client,
    customer,  # noqa: F811
    teammate,  # noqa: F811
    method,
    path,
    body,
):
    target = add_authorised_user(
        customer, username="linus", email="linus@example.com", permissions=["billing", "support"]
    )
    response = _call(client, method, path, body, target, _auth(teammate))
    assert response.status_code == 403
    assert "contacts permission" in response.json()["detail"]
    _untouched(target)


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS[2:], ids=IDS[2:])
def test_it_answers_an_outsider_with_404_for_another_accounts_people(
    client,
    outsider,  # noqa: F811
    teammate,  # noqa: F811
    method,
    path,
    body,
):
    response = _call(client, method, path, body, teammate, _auth(outsider))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    _untouched(teammate)


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS, ids=IDS)
def test_it_answers_a_staff_token_with_404(client, staff, teammate, method, path, body):  # noqa: F811
    response = _call(client, method, path, body, teammate, _auth(staff("administrator")))
    assert response.status_code == 404
    _untouched(teammate)


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS, ids=IDS)
def test_it_refuses_a_request_without_a_token_with_401(client, teammate, method, path, body):  # noqa: F811
    response = _call(client, method, path, body, teammate, {})
    assert response.status_code == 401
    _untouched(teammate)
