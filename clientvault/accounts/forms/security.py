"""Security page forms: security answers (also offered at signup), reporting unauthorised use."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.accounts.forms_common import guard_text_fields
from clientvault.accounts.models import SecurityQuestion
from clientvault.accounts.services.answers import ANSWER_MAX_LENGTH
from clientvault.accounts.services.security import DESCRIPTION_MAX_LENGTH

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


class SecurityAnswerFields(forms.Form):
    """Two different questions and their answers (SEC-2): the security page's, and signup's.

    On the security page both pairs are required. Signup offers them as voluntary (its activity
    says so): a pair may then be left empty, but not half filled in.
    """

    question_1 = _question("First question")
    answer_1 = _answer("Answer to the first question")
    question_2 = _question("Second question")
    answer_2 = _answer("Answer to the second question")

    PAIRS = (("question_1", "answer_1"), ("question_2", "answer_2"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question, answer in self.PAIRS:
            self._check_pair(data, question, answer)
        first, second = data.get("question_1"), data.get("question_2")
        if first and first == second:
            self.add_error("question_2", "Second question: choose a different question.")
        return data

    def _check_pair(self, data: dict[str, Any], question: str, answer: str) -> None:
        if data.get(question) and not data.get(answer) and answer not in self.errors:
            label = self.fields[answer].label
            self.add_error(answer, f"{label}: please give the answer to the question you chose.")
        if data.get(answer) and not data.get(question) and question not in self.errors:
            label = self.fields[question].label
            self.add_error(question, f"{label}: please choose the question you answered.")

    def answers(self) -> dict[str, str]:
        """Question code -> answer, for each pair filled in."""
        data = self.cleaned_data
        return {data[q]: data[a] for q, a in self.PAIRS if data.get(q) and data.get(a)}


class SecurityAnswersForm(SecurityAnswerFields):
    """The security page: two questions and answers, replacing any given before."""


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
