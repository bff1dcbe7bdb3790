"""Security answers (SEC-2): chosen at signup or on the security page, checked for callers.

Answers are normalised (case-folded, punctuation removed, spaces collapsed) and hashed like
passwords (argon2); they are never shown again and serve only to check a caller's identity
(:func:`check_security_answer`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction

from clientvault.accounts.models import ClientLogEvent, SecurityAnswer, SecurityQuestion, User
from clientvault.accounts.services.clientlog import log_for_user
from clientvault.privacy.actors import Actor
from clientvault.privacy.services.audit import record_event

ANSWER_MIN_LENGTH = 2
ANSWER_MAX_LENGTH = 100


def normalise_answer(answer: str) -> str:
    """Case-folded, punctuation removed, spaces collapsed: "St. Mary's" == "st marys"."""
    folded = unicodedata.normalize("NFKC", answer).casefold()
    kept = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("P"))
    return " ".join(kept.split())


def clean_security_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """Question code -> normalised answer; refuses unknown questions and too short answers."""
    if not answers:
        raise ValidationError("Choose at least one security question and give its answer.")
    clean: dict[str, str] = {}
    for question, answer in answers.items():
        if question not in SecurityQuestion.values:
            raise ValidationError({"question": f"Question: {question!r} is not one we offer."})
        text = normalise_answer(answer)
        if not ANSWER_MIN_LENGTH <= len(text) <= ANSWER_MAX_LENGTH:
            label = SecurityQuestion(question).label
            raise ValidationError(
                {
                    "answer": f"Answer to “{label}”: give {ANSWER_MIN_LENGTH} to "
                    f"{ANSWER_MAX_LENGTH} letters or digits."
                }
            )
        clean[question] = text
    return clean


def set_security_answers(*, user: User, answers: dict[str, str], actor: Actor) -> None:
    """Replace the login's security answers with these (question code -> answer)."""
    clean = clean_security_answers(answers)
    with transaction.atomic():
        SecurityAnswer.objects.filter(user=user).delete()
        SecurityAnswer.objects.bulk_create(
            SecurityAnswer(user=user, question=q, answer_hash=make_password(a))
            for q, a in clean.items()
        )
        log_for_user(user=user, event=ClientLogEvent.SECURITY_ANSWERS_CHANGED, actor=actor)
        record_event(
            action="security_answers.set",
            actor=actor,
            subject_id=user.subject_id,
            purpose="security",
            obj=user,
            details={"questions": sorted(clean)},
        )


def check_security_answer(*, user: User, question: str, answer: str) -> bool:
    """Whether ``answer`` matches the stored answer to ``question`` (after normalising)."""
    row = SecurityAnswer.objects.filter(user=user, question=question).first()
    normalised = normalise_answer(answer)
    if row is None:
        make_password(normalised)  # the same work either way
        return False
    return bool(normalised) and check_password(normalised, row.answer_hash)


def answered_questions(user: User) -> list[SecurityAnswer]:
    return list(SecurityAnswer.objects.filter(user=user).order_by("question"))
