"""The public forum's pages (CTL-5) under /forum/.

Reading is public. Posting (a new thread, a reply, an edit) needs a signed-in member, and every
posting form shows, before its text box, that what is posted is public and can be read and
collected by anyone, and asks for a tick acknowledging it. Posting pages take card numbers
(``redacts_secrets``): the service removes them, and the page says what was removed and why;
a form sent back with an error shows its text already redacted, so a secret is never echoed.
Editing and deleting are for the post's author only (anyone else's post answers 404).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from clientvault.accounts.access import current_person, is_verified, person_required
from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.models import Person
from clientvault.accounts.views.area import acting_user
from clientvault.billing.middleware import redacts_secrets
from clientvault.support import queries_forum as forum
from clientvault.support.forms.fields import hide_secrets
from clientvault.support.forms.forum import FlagForm, ReplyForm, ThreadForm
from clientvault.support.models import Post, Thread, Visibility
from clientvault.support.services.forum import (
    Published,
    delete_post,
    edit_post,
    post_reply,
    posting_block,
    start_thread,
)
from clientvault.support.services.review import flag_post, is_reviewer

TEXT_FIELDS = ("title", "body")
POST_FORM = "support/forum/post_form.html"


def _sent(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _viewer(request: HttpRequest) -> Person | None:
    """The signed-in member reading the page, if any (staff and visitors: None)."""
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return None
    return Person.objects.filter(user_id=user.pk).first()


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, forum.PAGE_SIZE).get_page(request.GET.get("page"))


def _thread_url(post: Post) -> str:
    return reverse("support:thread", args=[post.thread_id]) + f"#post-{post.pk}"


# -- reading ----------------------------------------------------------------------------------


@require_safe
def forum_index(request: HttpRequest) -> HttpResponse:
    return render(request, "support/forum/index.html", {"categories": forum.categories()})


@require_safe
def category_page(request: HttpRequest, slug: str) -> HttpResponse:
    category = forum.category_or_404(slug)
    page = _page(request, forum.threads_in(category))
    rows = [(thread, forum.author_label(thread.author)) for thread in page]
    context = {"category": category, "page": page, "rows": rows, "viewer": _viewer(request)}
    return render(request, "support/forum/category.html", context)


@require_safe
def thread_page(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    thread = forum.thread_or_404(pk)
    viewer = _viewer(request)
    if thread.visibility != Visibility.VISIBLE:
        opening = forum.opening_post(thread)
        mine = opening is not None and viewer is not None and opening.author_id == viewer.pk
        gone = {"thread": thread, "opening": opening if mine else None}
        return render(request, "support/forum/thread_removed.html", gone, status=410)
    page = _page(request, forum.posts_of(thread))
    context: dict[str, Any] = {
        "thread": thread,
        "page": page,
        "posts": forum.shown_posts(page, viewer),
        "viewer": viewer,
        "may_report": viewer is not None or request.user.is_staff,
        "may_review": is_reviewer(acting_user(request)) if request.user.is_staff else False,
    }
    return render(request, "support/forum/thread.html", context)


# -- posting ----------------------------------------------------------------------------------


def _published(request: HttpRequest, published: Published, done: str) -> HttpResponse:
    messages.success(request, done)
    if published.explanation:
        messages.warning(request, published.explanation)
    return redirect(_thread_url(published.post))


def _form_page(request: HttpRequest, form: forms.Form, **context: Any) -> HttpResponse:
    person = context.get("person")
    context |= {
        "form": form,
        "removed": hide_secrets(form, TEXT_FIELDS),
        "blocked": posting_block(person) if isinstance(person, Person) else None,
    }
    return render(request, POST_FORM, context)


@redacts_secrets
@require_http_methods(["GET", "POST"])
@person_required()
def new_thread(request: HttpRequest, person: Person, slug: str) -> HttpResponse:
    category = forum.category_or_404(slug)
    form = ThreadForm(_sent(request))
    if request.method == "POST" and form.is_valid():
        try:
            published = start_thread(
                person=person,
                category=category,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                actor=acting_user(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _published(request, published, "Your thread is published.")
    return _form_page(request, form, person=person, category=category, action="new")


def _open_thread_or_back(request: HttpRequest, pk: uuid.UUID) -> Thread | HttpResponse:
    thread = forum.thread_or_404(pk)
    if thread.visibility != Visibility.VISIBLE:
        messages.error(request, "This thread was removed after review and takes no more posts.")
        return redirect("support:thread", pk=thread.pk)
    return thread


@redacts_secrets
@require_http_methods(["GET", "POST"])
@person_required()
def reply(request: HttpRequest, person: Person, pk: uuid.UUID) -> HttpResponse:
    thread = _open_thread_or_back(request, pk)
    if isinstance(thread, HttpResponse):
        return thread
    form = ReplyForm(_sent(request))
    if request.method == "POST" and form.is_valid():
        try:
            published = post_reply(
                person=person,
                thread=thread,
                body=form.cleaned_data["body"],
                actor=acting_user(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _published(request, published, "Your reply is published.")
    context = {"person": person, "thread": thread, "category": thread.category, "action": "reply"}
    return _form_page(request, form, **context)


def _editable_or_back(request: HttpRequest, post: Post) -> HttpResponse | None:
    removed = post.visibility != Visibility.VISIBLE or post.thread.visibility != Visibility.VISIBLE
    if post.deleted_by_author_at is None and not removed:
        return None
    messages.error(request, "This post can no longer be changed.")
    return redirect(_thread_url(post))


@redacts_secrets
@require_http_methods(["GET", "POST"])
@person_required()
def edit(request: HttpRequest, person: Person, pk: uuid.UUID) -> HttpResponse:
    post = forum.own_post_or_404(person, pk)
    back = _editable_or_back(request, post)
    if back is not None:
        return back
    form = ReplyForm(_sent(request), initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            published = edit_post(
                person=person, post=post, body=form.cleaned_data["body"], actor=acting_user(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _published(request, published, "Your post is changed.")
    context = {"person": person, "thread": post.thread, "post": post, "action": "edit"}
    return _form_page(request, form, category=post.thread.category, **context)


@require_http_methods(["GET", "POST"])
@person_required()
def delete(request: HttpRequest, person: Person, pk: uuid.UUID) -> HttpResponse:
    post = forum.own_post_or_404(person, pk)
    if post.deleted_by_author_at is not None:
        messages.info(request, "This post is already deleted.")
        return redirect(_thread_url(post))
    if request.method == "POST":
        delete_post(person=person, post=post, actor=acting_user(request))
        messages.success(
            request, "Your post is deleted: it now reads \u201cdeleted by its author\u201d."
        )
        return redirect(_thread_url(post))
    return render(request, "support/forum/post_delete.html", {"post": post, "thread": post.thread})


# -- reporting --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def flag(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Report a post for acceptable-use review: members the posts they can see, staff any."""
    user = acting_user(request)
    if user.is_staff and not is_verified(request):
        return redirect("accounts:two_factor")
    if not user.is_staff:
        current_person(request)  # 404 for a login without a member
    post = forum.public_post_or_404(pk)
    form = FlagForm(_sent(request))
    if request.method == "POST" and form.is_valid():
        try:
            flag_post(post=post, ground=form.cleaned_data["ground"], flagged_by=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Thank you: the post is reported, and a reviewer will look at it."
            )
            return redirect(_thread_url(post))
    context = {"form": form, "post": post, "author": forum.author_label(post.author)}
    return render(request, "support/forum/flag.html", context)
