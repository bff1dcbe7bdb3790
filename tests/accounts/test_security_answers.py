"""Security questions (SEC-2): normalised, hashed, never shown, checked for staff."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import ClientLogEntry, SecurityAnswer
from clientvault.accounts.services.answers import (
    check_security_answer,
    normalise_answer,
    set_security_answers,
)
from clientvault.accounts.services.sessions import REAUTH_AT
from tests.accounts import personas
from tests.accounts.personas import PASSWORD

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

ANSWERS = reverse("accounts:security_answers")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("St. Mary's", "st marys"),
        ("  ST   MARYS ", "st marys"),
        ("Müller-Straße", "müllerstrasse"),
        ("\uff21\uff22\uff23", "abc"),  # full-width letters
    ],
)
def test_it_normalises_answers(typed, stored):
    assert normalise_answer(typed) == stored


def test_it_stores_answers_hashed_and_checks_them_loosely(customer):
    set_security_answers(
        user=customer.user, answers={"first_pet": "Mr. Whiskers"}, actor=customer.user
    )
    row = SecurityAnswer.objects.get(user=customer.user)
    assert "whiskers" not in row.answer_hash.lower()
    assert check_security_answer(user=customer.user, question="first_pet", answer="mr whiskers")
    assert not check_security_answer(user=customer.user, question="first_pet", answer="Rex")
    assert not check_security_answer(user=customer.user, question="birth_town", answer="x")
    assert ClientLogEntry.objects.filter(event="security_answers_changed").exists()


def test_it_refuses_unknown_questions_and_empty_answers(customer):
    with pytest.raises(ValidationError) as error:
        set_security_answers(user=customer.user, answers={"shoe_size": "42"}, actor=None)
    assert "not one we offer" in str(error.value)
    with pytest.raises(ValidationError) as error:
        set_security_answers(user=customer.user, answers={"first_pet": "!"}, actor=None)
    assert "Answer to “What was the name of your first pet?”" in str(error.value)


def test_the_page_sets_two_answers_and_never_shows_them(customer):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})
    data = {
        "question_1": "first_pet",
        "answer_1": "Rex",
        "question_2": "birth_town",
        "answer_2": "Bristol",
    }
    response = client.post(ANSWERS, data)
    assert response["Location"] == reverse("accounts:security")
    assert SecurityAnswer.objects.filter(user=customer.user).count() == 2
    page = client.get(reverse("accounts:security")).content.decode()
    assert "What was the name of your first pet?" in page
    assert "Rex" not in page
    assert "Bristol" not in page


def test_the_page_wants_two_different_questions(customer):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})
    data = {"question_1": "first_pet", "answer_1": "a1", "question_2": "first_pet", "answer_2": "b"}
    page = client.post(ANSWERS, data).content.decode()
    assert "Second question: choose a different question." in page
    assert not SecurityAnswer.objects.exists()


def test_changing_answers_asks_for_the_password_again(customer):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})
    session = client.session
    session[REAUTH_AT] -= 301
    session.save()
    assert client.get(ANSWERS)["Location"].startswith(reverse("accounts:reauth"))
