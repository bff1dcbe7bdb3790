"""The security page (SEC-2, SEC-3, COL-12): password, two-step sign-in, security answers,
sessions, login history, and reporting unauthorised use."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from clientvault.accounts.access import person_required
from clientvault.accounts.forms.auth import SetPasswordForm
from clientvault.accounts.forms.security import ReportForm, SecurityAnswersForm
from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.models import LoginEvent, Person, User, UserSession
from clientvault.accounts.reauth import reauth_required
from clientvault.accounts.services.answers import answered_questions, set_security_answers
from clientvault.accounts.services.clientlog import person_of
from clientvault.accounts.services.security import change_password, report_unauthorised_use
from clientvault.accounts.services.sessions import (
    end_session,
    session_digest,
    sign_out_everywhere,
)
from clientvault.accounts.services.twofactor import (
    has_two_factor,
    recovery_codes_left,
    two_factor_required,
)
from clientvault.accounts.views.auth import secured_text

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render in the customer area or the back office, whichever the user belongs to."""
    person = person_of(_user(request))
    layout = "accounts/security/area.html" if person is not None else "accounts/security/staff.html"
    return render(request, template, {"person": person, "layout": layout, **context})


@never_cache
@login_required
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    history = Paginator(LoginEvent.objects.filter(user=user), PAGE_SIZE)
    context = {
        "two_factor_on": has_two_factor(user),
        "two_factor_required": two_factor_required(user),
        "codes_left": recovery_codes_left(user),
        "answers": answered_questions(user),
        "sessions": UserSession.objects.filter(user=user),
        "current": session_digest(request.session),
        "history": history.get_page(request.GET.get("page")),
    }
    return _page(request, "accounts/security/security.html", context)


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            secured = change_password(
                request=request, user=user, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your password is changed.{secured_text(secured)}")
            return redirect("accounts:security")
    return _page(request, "accounts/security/password_change.html", {"form": form})


@sensitive_post_parameters("answer_1", "answer_2")
@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def security_answers(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SecurityAnswersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            set_security_answers(user=user, answers=form.answers(), actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your security answers are saved.")
            return redirect("accounts:security")
    context = {"form": form, "answers": answered_questions(user)}
    return _page(request, "accounts/security/security_answers.html", context)


@login_required
@require_POST
def sessions_end(request: HttpRequest, session_id: str) -> HttpResponse:
    user = _user(request)
    user_session = get_object_or_404(UserSession, pk=session_id, user=user)
    current = user_session.key_digest == session_digest(request.session)
    end_session(user_session=user_session, actor=user)
    if current:
        logout(request)
        messages.success(request, "You have signed out.")
        return redirect("accounts:login")
    messages.success(request, "That session is signed out.")
    return redirect("accounts:security")


@login_required
@require_POST
def sessions_end_all(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    secured = sign_out_everywhere(user=user, actor=user, reason="signed out everywhere")
    logout(request)
    messages.success(request, f"You are signed out everywhere.{secured_text(secured)}")
    return redirect("accounts:login")


@never_cache
@person_required()
@require_http_methods(["GET", "POST"])
def report_unauthorised(request: HttpRequest, person: Person) -> HttpResponse:
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_unauthorised_use(
                person=person, description=form.cleaned_data["description"], actor=_user(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            messages.success(
                request,
                "Thank you. We have signed out every session, revoked every API token of your "
                "login, withdrawn any invitations you sent that were still waiting, and told our "
                "staff. We sent a link to set a new password to the e-mail address on record.",
            )
            return redirect("accounts:login")
    return _page(request, "accounts/security/report.html", {"form": form})
