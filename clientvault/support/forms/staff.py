"""The back office's ticket forms: the queue's filter, a reply or note, the ticket's status,
priority, department and assignee, an action for a person on the account, a new ticket.

Texts are not checked for secrets here: the services pass them through the kernel's redactor,
and the page tells the staff member what it removed. Choices the services also check (a
status's transitions, the department) are refused there with their own message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from clientvault.accounts.forms_common import guard_text_fields
from clientvault.accounts.models import User
from clientvault.support import backoffice
from clientvault.support.forms.fields import files_field
from clientvault.support.models import (
    TICKET_TRANSITIONS,
    Department,
    Priority,
    TicketStatus,
)
from clientvault.support.services.actions import TicketAction
from clientvault.support.services.texts import MAX_MESSAGE, MAX_TITLE

NO_SECRETS = (
    "Never write a card number, password or key: anything shaped like one is removed before "
    "the message is stored, and you are told."
)


def _choice(label: str, choices: Sequence[tuple[str, str]], **kwargs: Any) -> forms.ChoiceField:
    errors = {"invalid_choice": f"{label}: choose one from the list."}
    errors |= kwargs.pop("error_messages", {})
    return forms.ChoiceField(label=label, choices=choices, error_messages=errors, **kwargs)


# -- the queue --------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """What the queue shows (by GET): never by what tickets say (REV-1), only by their state."""

    status = _choice(
        "Status",
        [
            (backoffice.NOT_CLOSED, "Not closed"),
            *TicketStatus.choices,
            (backoffice.ALL, "Any status"),
        ],
        required=False,
    )
    priority = _choice("Priority", [("", "Any priority"), *Priority.choices], required=False)
    department = _choice("Department", [("", "All your departments")], required=False)
    assigned = _choice(
        "Assigned to",
        [("", "Anyone"), (backoffice.MINE, "Me"), (backoffice.NOBODY, "Nobody")],
        required=False,
    )

    def __init__(self, *args: Any, departments: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = [(d, Department(d).label) for d in departments]
        self.fields["department"].choices = [("", "All your departments"), *own]  # type: ignore[attr-defined]

    def chosen(self) -> backoffice.QueueFilter:
        """The filter asked for; a value not on offer is left out (the default applies)."""
        data = self.cleaned_data if self.is_valid() else {}
        return backoffice.QueueFilter(
            status=data.get("status", ""),
            priority=data.get("priority", ""),
            department=data.get("department", ""),
            assigned=data.get("assigned", ""),
        )


# -- a reply or a note --------------------------------------------------------------------------


REPLY, NOTE = "reply", "note"
AFTER_REPLY = [
    (s, TicketStatus(s).label)
    for s in (TicketStatus.ANSWERED, TicketStatus.ON_HOLD, TicketStatus.CLOSED)
]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=MAX_MESSAGE,
        help_text=NO_SECRETS,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Message: write the reply or the note.",
            "max_length": f"Message: at most {MAX_MESSAGE:,} characters; send long logs as a file.",
        },
    )
    kind = _choice(
        "Send as",
        [
            (REPLY, "A reply: e-mailed to the customer and shown to them"),
            (NOTE, "An internal note: for staff only, never shown to the customer"),
        ],
        initial=REPLY,
        widget=forms.RadioSelect,
    )
    status = _choice(
        "Status after a reply",
        AFTER_REPLY,
        initial=TicketStatus.ANSWERED,
        help_text="A note leaves the status as it is.",
    )
    attachments = files_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)

    @property
    def internal(self) -> bool:
        return self.cleaned_data.get("kind") == NOTE


# -- status, priority, department, assignee ---------------------------------------------------


class StatusForm(forms.Form):
    """Every status is accepted here; the service refuses a move the workflow does not allow,
    saying which. The list offers only the moves allowed from ``current``."""

    status = _choice(
        "New status",
        TicketStatus.choices,
        error_messages={"required": "New status: choose one from the list."},
    )

    def __init__(self, *args: Any, current: str = TicketStatus.OPEN, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "change_%s")  # the reply form has a status field too
        super().__init__(*args, **kwargs)
        allowed = TICKET_TRANSITIONS[current]
        offered = [(s, label) for s, label in TicketStatus.choices if s in allowed]
        self.fields["status"].widget.choices = [("", "Choose…"), *offered]


class PriorityForm(forms.Form):
    priority = _choice(
        "Priority",
        Priority.choices,
        help_text="The first-answer deadline follows the new priority, from the opening.",
    )


class DepartmentForm(forms.Form):
    department = _choice(
        "Department",
        Department.choices,
        help_text="The ticket leaves your queue if your role does not read the new department.",
    )


class AssignForm(forms.Form):
    """To whom: a staff member who may read the ticket's department, or nobody."""

    assignee = _choice("Assign to", [], required=False)

    def __init__(
        self, *args: Any, staff: Sequence[User] = (), me: User | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(user.pk): user for user in staff}
        you = str(me.pk) if me is not None else ""
        choices = [("", "Nobody")] + [
            (pk, f"{user.username} (you)" if pk == you else user.username)
            for pk, user in self.people.items()
        ]
        self.fields["assignee"].choices = choices  # type: ignore[attr-defined]

    def chosen(self) -> User | None:
        return self.people.get(self.cleaned_data.get("assignee") or "")


# -- actions and a new ticket -----------------------------------------------------------------


class ActionForm(forms.Form):
    """A button on the ticket: an action (``TicketAction``) for a person on the account."""

    action = _choice("Action", TicketAction.choices)
    person = forms.UUIDField(
        error_messages={"invalid": "Person: choose one of the account's people."}
    )


class OpenTicketForm(forms.Form):
    """A ticket staff open on an account, in one of the departments they read."""

    title = forms.CharField(
        label="Title",
        max_length=MAX_TITLE,
        help_text="What the ticket is about, in a few words. " + NO_SECRETS,
        error_messages={
            "required": "Title: say in a few words what the ticket is about.",
            "max_length": f"Title: at most {MAX_TITLE} characters.",
        },
    )
    body = forms.CharField(
        label="First message",
        max_length=MAX_MESSAGE,
        help_text="What the customer asked, or what you tell them. It is stored as your "
        "message; the customer is not e-mailed until you reply.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "First message: write what the ticket is about.",
            "max_length": f"First message: at most {MAX_MESSAGE:,} characters.",
        },
    )
    department = _choice("Department", [])
    priority = _choice("Priority", Priority.choices, initial=Priority.NORMAL)

    def __init__(self, *args: Any, departments: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d, Department(d).label) for d in departments]  # type: ignore[attr-defined]
        guard_text_fields(self)
