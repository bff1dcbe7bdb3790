"""The API tokens page: list, create (post/redirect/get; shown once, never cached or kept in
the clear, after the password is typed again), revoke."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import ApiToken, ClientLogEntry
from clientvault.accounts.services import authenticate_api_token, create_api_token
from clientvault.accounts.services.sessions import REAUTH_AT
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider = personas.customer, personas.teammate, personas.outsider
TOKENS = reverse("accounts:api_tokens")


def client_of(person, *, typed_password_seconds_ago: float | None = 0) -> Client:
    """Signed in as ``person``; the password typed that long ago (None: not at all)."""
    client = personas.sign_in(Client(), person.user)
    if typed_password_seconds_ago is not None:
        session = client.session
        session[REAUTH_AT] = time.time() - typed_password_seconds_ago
        session.save()
    return client


def revoke_url(token) -> str:
    return reverse("accounts:api_token_revoke", args=[token.pk])


def test_it_has_an_empty_state_and_a_form(customer):
    page = client_of(customer).get(TOKENS).content.decode()
    assert "No API tokens yet." in page
    assert 'name="name"' in page
    assert 'name="expires_in_days"' in page


def make_token(client: Client, name: str = "deploy script", days: str = "30") -> str:
    """Post the form, follow its redirect, and return the token text the page shows once."""
    response = client.post(TOKENS, {"name": name, "expires_in_days": days}, follow=True)
    assert response.redirect_chain == [(TOKENS, 302)]
    return str(response.context["token_text"])


def test_a_new_token_is_shown_once_and_never_kept(customer):
    client = client_of(customer)
    response = client.post(TOKENS, {"name": "deploy script", "expires_in_days": "30"})
    assert response.status_code == 302
    assert response.url == TOKENS
    shown = client.get(TOKENS)
    assert "no-store" in shown["Cache-Control"]
    raw = shown.context["token_text"]
    assert raw.startswith("cv_")
    assert raw in shown.content.decode()
    assert authenticate_api_token(raw) == customer.user
    assert raw not in str(dict(client.session.items()))
    again = client.get(TOKENS).content.decode()
    assert raw not in again
    assert "deploy script" in again
    assert "Active" in again
    entry = ClientLogEntry.objects.get(event="api_token_created")
    assert entry.detail == f"prefix {ApiToken.objects.get().prefix}"


def test_reloading_the_page_after_making_a_token_makes_no_second_one(customer):
    client = client_of(customer)
    make_token(client)
    for _ in range(2):  # what the browser's reload asks for: the page the form redirected to
        assert client.get(TOKENS).status_code == 200
    assert ApiToken.objects.filter(user=customer.user).count() == 1


def test_the_session_holds_the_new_token_only_sealed_until_it_is_shown(customer):
    client = client_of(customer)
    client.post(TOKENS, {"name": "deploy script", "expires_in_days": "30"})
    token_id, sealed = client.session["accounts.new_api_token"]
    assert token_id == ApiToken.objects.get().pk
    assert sealed.startswith("cv1:")  # a vault ciphertext
    raw = client.get(TOKENS).context["token_text"]
    assert raw.startswith("cv_")
    assert raw not in str(dict(client.session.items()))
    assert "accounts.new_api_token" not in client.session


def test_form_errors_name_the_field(customer):
    response = client_of(customer).post(TOKENS, {"name": "", "expires_in_days": "9999"})
    errors = response.context["form"].errors
    assert errors["name"] == ["Name is required."]
    assert errors["expires_in_days"][0].startswith("Valid for: Select a valid choice.")
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token(customer):
    token, raw = create_api_token(user=customer.user, name="laptop")
    response = client_of(customer).post(revoke_url(token))
    assert response.status_code == 302
    assert response.url == TOKENS
    assert authenticate_api_token(raw) is None
    assert ClientLogEntry.objects.filter(event="api_token_revoked").count() == 1
    client_of(customer).post(revoke_url(token))  # revoking twice logs once
    assert ClientLogEntry.objects.filter(event="api_token_revoked").count() == 1


def test_revoking_needs_a_post(customer):
    token, _ = create_api_token(user=customer.user, name="laptop")
    assert client_of(customer).get(revoke_url(token)).status_code == 405


def test_someone_elses_token_is_not_found(customer, teammate, outsider):
    token, raw = create_api_token(user=customer.user, name="owner's own")
    assert client_of(outsider).post(revoke_url(token)).status_code == 404
    assert client_of(teammate).post(revoke_url(token)).status_code == 404  # same account too
    assert authenticate_api_token(raw) == customer.user
    assert token.prefix not in client_of(teammate).get(TOKENS).content.decode()


def test_an_authorised_user_manages_their_own_tokens(teammate):
    raw = make_token(client_of(teammate), "ci", "7")
    assert authenticate_api_token(raw) == teammate.user


def test_it_asks_for_the_password_again_before_making_a_token(customer):
    for client in (
        client_of(customer, typed_password_seconds_ago=None),
        client_of(customer, typed_password_seconds_ago=6 * 60),
    ):
        assert client.get(TOKENS).status_code == 200  # reading the page needs no password
        response = client.post(TOKENS, {"name": "stolen", "expires_in_days": "365"})
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:reauth')}?next=%2Faccount%2Fapi-tokens"
    assert not ApiToken.objects.exists()
    client = client_of(customer, typed_password_seconds_ago=None)
    client.post(reverse("accounts:reauth"), {"password": personas.PASSWORD, "next": TOKENS})
    assert authenticate_api_token(make_token(client, "deploy", "7")) == customer.user


def test_the_page_links_to_api_docs_that_exist(customer):
    client = client_of(customer)
    page = client.get(TOKENS).content.decode()
    assert 'href="/api/v1/docs"' in page
    assert client.get("/api/v1/docs").status_code == 200
