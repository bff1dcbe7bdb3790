"""Security page forms: security answers and reporting unauthorised use."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.accounts.models import SecurityQuestion
from clientvault.accounts.services.security import ANSWER_MAX_LENGTH, DESCRIPTION_MAX_LENGTH

QUESTION_CHOICES = [("", "Choose a question"), *SecurityQuestion.choices]
ANSWER_HELP = "Not case-sensitive; spaces and punctuation are ignored. We cannot show it again."


def _question(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=QUESTION_CHOICES,
        error_messages={"required": f"{label}: please choose a question."},
    )


def _answer(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=ANSWER_MAX_LENGTH,
        help_text=ANSWER_HELP,
        error_messages={"required": f"{label}: please give the answer."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class SecurityAnswersForm(forms.Form):
    """Two different questions and their answers; they replace any answers given before."""

    question_1 = _question("First question")
    answer_1 = _answer("Answer to the first question")
    question_2 = _question("Second question")
    answer_2 = _answer("Answer to the second question")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("question_1"), data.get("question_2")
        if first and first == second:
            self.add_error("question_2", "Second question: choose a different question.")
        return data

    def answers(self) -> dict[str, str]:
        data = self.cleaned_data
        return {data["question_1"]: data["answer_1"], data["question_2"]: data["answer_2"]}


class ReportForm(forms.Form):
    description = forms.CharField(
        label="What happened",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text="For example: a sign-in you do not recognise, or a change you did not make.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    confirm = forms.BooleanField(
        label="I understand: this signs out every session, including this one, and I will set "
        "a new password from the link sent to the e-mail address on record.",
        error_messages={"required": "Please confirm you understand what happens next."},
    )
