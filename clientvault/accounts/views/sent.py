"""Messages we sent you: the person's own e-mail and text messages, as kept (COL-9)."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from clientvault.accounts.access import person_required
from clientvault.accounts.models import Person
from clientvault.accounts.views.area import acting_user, paginate
from clientvault.messaging.services.history import messages_for, read_message


@require_safe
@person_required()
def sent_messages(request: HttpRequest, person: Person) -> HttpResponse:
    page = paginate(request, messages_for(subject_id=person.subject_id))
    return render(request, "accounts/area/messages.html", {"person": person, "page": page})


@require_safe
@person_required()
def sent_message(request: HttpRequest, person: Person, pk: uuid.UUID) -> HttpResponse:
    """One message, fetched through its recipient: anyone else's is a 404."""
    message = messages_for(subject_id=person.subject_id).filter(pk=pk).first()
    if message is None:
        raise Http404("not found")
    read = read_message(message=message, actor=acting_user(request))
    return render(request, "accounts/area/message.html", {"person": person, "read": read})
