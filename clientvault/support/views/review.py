"""Acceptable-use review's pages (REV-1) under /staff/review/.

The queue and the review pages are for staff whose role the policy profile names as a reviewer;
any other staff member gets a 403 page giving that reason. A ticket message's text is read on
its review page only, through ``reveal`` with its department's purpose (each read audited); a
reviewer whose role lacks that purpose gets the 403 page naming it. Any staff member may report
a ticket message for review.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.views.staff import forbidden, paginate, staff_page, staff_user
from clientvault.privacy.reveal import RevealDenied
from clientvault.support import queries_forum, queries_review
from clientvault.support.forms.forum import FlagForm
from clientvault.support.forms.review import ReviewForm
from clientvault.support.models import Department, ReviewAction, TicketMessage
from clientvault.support.services.review import (
    NOT_GRANTED,
    flag_message,
    require_reviewer,
    review_message,
    review_post,
)

View = Callable[..., HttpResponse]


def reviewer_page(view: View) -> View:
    """``staff_page`` for reviewers only: anyone else gets the 403 page with the reason."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_reviewer(staff_user(request))
        return view(request, *args, **kwargs)

    return staff_page()(checked)


def _sent(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


@require_safe
@reviewer_page
def queue(request: HttpRequest) -> HttpResponse:
    flags = paginate(request, queries_review.open_flags(), param="flags")
    reports = paginate(request, queries_review.abuse_reports(), param="reports")
    return render(request, "support/review/queue.html", {"flags": flags, "reports": reports})


def _reviewed(request: HttpRequest, action: str) -> HttpResponse:
    messages.success(request, f"Reviewed: {ReviewAction(action).label.lower()}.")
    return redirect("support:review_queue")


def _submitted(
    request: HttpRequest, form: ReviewForm, review: Callable[..., Any], target: Any
) -> HttpResponse | None:
    """The review a valid form asks for, done (then the queue); None to show the page again."""
    if request.method != "POST" or not form.is_valid():
        return None
    action = form.cleaned_data["action"]
    ground = form.cleaned_data["ground"]
    try:
        review(target=target, action=action, ground=ground, reviewer=staff_user(request))
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return _reviewed(request, action)


@require_http_methods(["GET", "POST"])
@reviewer_page
def post_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    post = queries_review.post_for_review(pk)
    form = ReviewForm(_sent(request))
    done = _submitted(request, form, review_post, post)
    if done is not None:
        return done
    context = {"post": post, "author": queries_forum.author_label(post.author), "form": form}
    return render(request, "support/review/post.html", context)


@require_http_methods(["GET", "POST"])
@reviewer_page
def message_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    message = queries_review.message_for_review(pk)
    form = ReviewForm(_sent(request), for_message=True)
    return _submitted(request, form, review_message, message) or _message_page(
        request, message, form
    )


def _message_page(request: HttpRequest, message: TicketMessage, form: ReviewForm) -> HttpResponse:
    """The message with its text, read through ``reveal`` (audited), and the review form."""
    try:
        body = queries_review.read_for_review(message, reviewer=staff_user(request))
    except RevealDenied:
        department = Department(message.ticket.department).label
        return forbidden(request, NOT_GRANTED.format(department=department))
    context = {"message": message, "ticket": message.ticket, "body": body, "form": form}
    return render(request, "support/review/message.html", context)


def _back(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = {request.get_host()}
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed, request.is_secure()):
        return wanted
    return default


@require_http_methods(["GET", "POST"])
@staff_page()
def message_flag(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Any staff member reports a ticket message for review (its text is not shown here)."""
    message = queries_review.message_for_review(pk)
    form = FlagForm(_sent(request))
    here = reverse("support:flag_message", args=[message.pk])
    if request.method == "POST" and form.is_valid():
        try:
            flag_message(
                message=message, ground=form.cleaned_data["ground"], flagged_by=staff_user(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Reported: a reviewer will look at the message.")
            return redirect(_back(request, here))
    context = {
        "message": message,
        "ticket": message.ticket,
        "form": form,
        "next": _back(request, ""),
    }
    return render(request, "support/review/flag_message.html", context)
