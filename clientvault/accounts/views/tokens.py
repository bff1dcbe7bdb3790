"""The API tokens page: the person's own tokens, made and revoked here.

Making a token is post/redirect/get: the form's answer is a redirect to the page, so reloading
the page never makes a second token. The new token's text rides that redirect in the session,
sealed in the vault with the login's subject key (the session table and its backups never hold
a usable token), and is taken out by the next view of the page, which shows it once; the page is
never cached (``Cache-Control: no-store``). Making a token needs the password typed in the last
five minutes: a token outlives the session, so a stolen session alone must not be enough to get
one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from clientvault.accounts.access import person_required
from clientvault.accounts.forms.area import ApiTokenForm
from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.models import ApiToken, Person, User
from clientvault.accounts.reauth import reauth_before_post
from clientvault.accounts.services.people import create_person_token, revoke_person_token
from clientvault.accounts.views.area import acting_user, paginate
from clientvault.privacy.vault import CorruptValue, decrypt, encrypt

NEW_TOKEN = "accounts.new_api_token"  # the session key: (token id, sealed token text)


def _aad(token_pk: int) -> str:
    return f"session.new_api_token.{token_pk}"


def _keep_new_token(request: HttpRequest, person: Person, token: ApiToken, text: str) -> None:
    """Seal the new token's text into the session for the page's next view."""
    request.session[NEW_TOKEN] = [token.pk, encrypt(person.subject_id, _aad(token.pk), text)]


def _take_new_token(request: HttpRequest, person: Person) -> tuple[ApiToken, str] | None:
    """The token made just before, and its text, once: it leaves the session here."""
    kept = request.session.pop(NEW_TOKEN, None)
    user = acting_user(request)
    token = ApiToken.objects.filter(user=user, pk=kept[0]).first() if kept else None
    if kept is None or token is None or not token.is_usable:
        return None
    try:
        return token, decrypt(person.subject_id, _aad(token.pk), str(kept[1]))
    except CorruptValue:
        return None


def own_token(user: User, pk: int) -> ApiToken:
    """One of the login's own tokens; 404 for anyone else's (even on the same account)."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404("not found")
    return token


@never_cache
@require_http_methods(["GET", "POST"])
@person_required()
@reauth_before_post
def api_tokens(request: HttpRequest, person: Person) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, text = create_person_token(
                person=person,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _keep_new_token(request, person, token, text)
            return redirect("accounts:api_tokens")
    created = _take_new_token(request, person) if request.method == "GET" else None
    tokens = ApiToken.objects.filter(user=acting_user(request)).order_by("-created_at")
    context = {
        "person": person,
        "form": form,
        "page": paginate(request, tokens),
        "created": created[0] if created else None,
        "token_text": created[1] if created else "",
    }
    return render(request, "accounts/area/api_tokens.html", context)


@require_POST
@person_required()
def api_token_revoke(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    token = revoke_person_token(person=person, token=own_token(acting_user(request), pk))
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("accounts:api_tokens")
