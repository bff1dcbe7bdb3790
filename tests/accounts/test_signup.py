"""Opening an account online (COL-1, COL-3, COL-4, COL-6, POL-2): the signup page.

Every signup that passes its checks ends on "check your e-mail", the same bytes whether or not
the address is in use; the account can be used once its address is confirmed by the link.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts import throttle
from clientvault.accounts.activities import SECURITY_QUESTIONS
from clientvault.accounts.activities import SIGNUP as SIGNUP_ACTIVITY
from clientvault.accounts.models import (
    ClientLogEntry,
    Customer,
    CustomerKind,
    Organisation,
    Person,
    SecurityAnswer,
    ThrottleBucket,
    User,
    UserSession,
)
from clientvault.accounts.services.answers import check_security_answer
from clientvault.privacy.models import AuditEvent, ConsentRecord, PolicyVersion, Subject
from clientvault.privacy.models.keystore import SubjectKey
from clientvault.privacy.services.policy import accepted_version, publish_policy
from tests.accounts import mailutil, personas
from tests.accounts.confirmutil import follow, queued_links
from tests.accounts.mailutil import deliver_mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer  # the persona fixture, for the signed-in case
smtp_server = mailutil.smtp_server

SIGNUP = reverse("accounts:signup")
SENT = reverse("accounts:signup_sent")
ORGANISATION = f"{SIGNUP}?kind=organisation"
PW = "tides-and-comets-1826"
FORM = {
    "given_name": "Mary",
    "family_name": "Somerville",
    "email": "mary@example.org",
    "phone": "0131 496 0000",
    "address_line1": "8 Queen Street",
    "city": "Edinburgh",
    "postal_code": "eh2 1ja",
    "country": "GB",
    "username": "mary.s",
    "password": "tides-and-comets-1826",
    "password_confirm": "tides-and-comets-1826",
    "accept_policy": "on",
}


@pytest.fixture
def policy() -> PolicyVersion:
    return publish_policy()


def post(client, data, url=SIGNUP, policy_number=None):
    version = policy_number or publish_policy().number
    return client.post(url, {**data, "policy_version": version})


def errors_of(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_it_marks_optional_fields_and_shows_the_policy_version(policy):
    page = Client().get(SIGNUP).content.decode()
    assert 'Address (second line) <span class="optional">(optional)</span>' in page
    assert 'Given name <span class="optional">' not in page
    assert f"I accept version {policy.number} of the privacy policy" in page
    assert 'href="/privacy"' in page
    assert 'name="organisation_name"' not in page
    assert '<option value="GB">' in page


def test_the_organisation_form_asks_for_the_organisation_and_offers_work_fields(policy):
    page = Client().get(ORGANISATION).content.decode()
    assert 'name="organisation_name"' in page
    assert 'Organisation name <span class="optional">' not in page
    for label in ("Employer", "Job title", "Department", "Business telephone"):
        assert f'{label} <span class="optional">(optional)</span>' in page


def test_it_opens_the_account_awaiting_its_address_and_says_check_your_email(policy):
    client = Client()
    response = post(client, {**FORM, "marketing": "on"})
    assert (response.status_code, response.url) == (302, SENT)
    person = Person.objects.select_related("customer", "user").get(user__username="mary.s")
    assert person.is_owner
    assert person.customer.kind == CustomerKind.INDIVIDUAL
    assert (person.phone, person.postal_code) == ("+441314960000", "EH2 1JA")
    assert person.email_confirmed_at is None
    assert accepted_version(subject=person.subject) == policy
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(user=person.user).exists()
    assert ConsentRecord.objects.get(subject=person.subject, purpose="marketing").granted
    events = set(ClientLogEntry.objects.values_list("event", "actor_label"))
    assert {("signed_up", "the account owner"), ("policy_accepted", "the account owner")} <= events
    assert "Check your e-mail" in client.get(SENT).content.decode()
    assert queued_links(to="mary@example.org")


def test_the_link_confirms_the_address_and_the_account_then_signs_in(policy):
    post(Client(), FORM)
    client = Client()
    response = follow(client, queued_links(to="mary@example.org")[-1])
    assert response.url == reverse("accounts:login")
    person = Person.objects.get(user__username="mary.s")
    assert person.email_confirmed_at is not None
    signed_in = client.post(reverse("accounts:login"), {"username": "mary.s", "password": PW})
    assert signed_in.url == reverse("accounts:dashboard")
    assert client.get(signed_in.url).status_code == 200
    assert UserSession.objects.filter(user=person.user).exists()


def test_leaving_marketing_unticked_records_a_refusal(policy):
    post(Client(), FORM)
    record = ConsentRecord.objects.get(purpose="marketing")
    assert (record.granted, record.source) == (False, "form")


def test_it_opens_an_organisation_account(policy):
    data = {
        **FORM,
        "organisation_name": "Orbit Ltd",
        "vat_number": "GB 980 7806 84",
        "company_number": "SC123456",
        "employer": "Orbit Ltd",
        "job_title": "CTO",
    }
    response = post(Client(), data, url=ORGANISATION)
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.kind, customer.organisation_name) == ("organisation", "Orbit Ltd")
    organisation = Organisation.objects.get(customer=customer)
    assert (organisation.vat_number, organisation.company_number) == ("980780684", "SC123456")
    assert organisation.subject_id == Person.objects.get().subject_id  # sealed for the owner
    assert Person.objects.get().job_title == "CTO"


def test_it_refuses_a_vat_number_that_is_not_one_for_the_country(policy):
    data = {**FORM, "organisation_name": "Orbit Ltd", "vat_number": "GB 980 7806 85"}
    errors = errors_of(post(Client(), data, url=ORGANISATION))
    assert errors == {
        "vat_number": [
            "VAT number: This is not a valid VAT number for United Kingdom (the number's "
            "checksum or check digit is invalid)."
        ]
    }
    assert not Customer.objects.exists()


def test_it_refuses_an_organisation_without_its_name(policy):
    response = post(Client(), FORM, url=ORGANISATION)
    assert errors_of(response)["organisation_name"] == [
        "Organisation name is required to open an organisation account."
    ]


def test_a_missing_field_is_named_and_tied_to_its_input(policy):
    response = post(Client(), {**FORM, "phone": ""})
    assert response.status_code == 200
    assert errors_of(response) == {"phone": ["Telephone is required to open an account."]}
    page = response.content.decode()
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in page
    assert 'id="id_phone_helptext"' in page
    assert 'id="id_phone_error"' in page
    assert not Customer.objects.exists()


def test_contact_data_is_checked_for_the_country_and_every_problem_shown(policy):
    data = {**FORM, "postal_code": "12345", "email": "not-an-address", "username": "a b"}
    errors = errors_of(post(Client(), data))
    assert errors["postal_code"] == [
        "Postal code: This is not a valid postal code for United Kingdom: they look like "
        "EC1Y 8SY or GIR 0AA."
    ]
    assert errors["email"][0].startswith("E-mail address: Enter a valid e-mail address")
    assert errors["username"][0].startswith("Username: use 3 to 150 letters")
    assert not Customer.objects.exists()


def test_it_needs_no_postal_code_in_ireland_and_takes_none_in_hong_kong(policy):
    irish = {**FORM, "postal_code": "", "country": "IE", "phone": "+353 1 234 5678"}
    page = Client().get(SIGNUP).content.decode()
    assert 'Postal code <span class="optional">' not in page  # needed unless the country says
    refused = post(Client(), {**irish, "country": "GB"})
    assert errors_of(refused) == {"postal_code": ["Postal code is required to open an account."]}
    assert post(Client(), irish).status_code == 302
    assert Person.objects.get().postal_code == ""
    data = {**FORM, "username": "hk.user", "email": "hk@example.org", "country": "HK"}
    errors = errors_of(post(Client(), {**data, "phone": "+852 2123 4567"}))
    assert errors == {
        "postal_code": ["Postal code: Hong Kong does not use postal codes: leave this empty."]
    }


def test_a_username_that_reads_as_an_address_is_refused(policy):
    errors = errors_of(post(Client(), {**FORM, "username": "someone@example.org"}))
    assert "no @" in errors["username"][0]


def test_it_refuses_mismatched_passwords_and_a_weak_one(policy):
    errors = errors_of(post(Client(), {**FORM, "password_confirm": "something-else-entirely"}))
    assert errors["password_confirm"] == ["Password again: the two passwords differ."]
    weak = errors_of(
        post(Client(), {**FORM, "password": "password", "password_confirm": "password"})
    )
    assert any("too common" in m for m in weak["password"])


def test_the_policy_must_be_accepted(policy):
    data = {k: v for k, v in FORM.items() if k != "accept_policy"}
    errors = errors_of(post(Client(), data))
    assert errors["accept_policy"] == [
        f"Accept the privacy policy (version {policy.number}) to open an account."
    ]
    assert not Customer.objects.exists()


def test_a_policy_changed_while_signing_up_must_be_read_again(policy):
    PolicyVersion.objects.create(  # another text was in force for a while
        number=policy.number + 1,
        content_hash="f" * 64,
        effective_date=policy.effective_date,
        published_at=policy.published_at,
        html="<p>another text</p>",
    )
    response = post(Client(), FORM, policy_number=policy.number)
    current = PolicyVersion.objects.latest()
    assert current.number > policy.number
    assert errors_of(response)["accept_policy"] == [
        "The privacy policy has changed while you were filling in this form: please read "
        f"version {current.number} and accept it."
    ]
    assert f'name="policy_version" value="{current.number}"' in response.content.decode()
    assert not Customer.objects.exists()


def test_it_never_says_an_address_is_in_use_and_tells_its_owner_instead(
    policy, customer, smtp_server
):
    client = Client()
    response = post(client, {**FORM, "email": "ADA@example.com"})
    assert (response.status_code, response.url) == (302, SENT)
    page = client.get(response.url).content.decode()
    assert "Check your e-mail" in page
    assert "already" not in page
    assert "_auth_user_id" not in client.session
    assert Customer.objects.count() == 1
    assert not User.objects.filter(username="mary.s").exists()
    assert deliver_mail() == 1
    message = smtp_server.wait_for("ada@example.com")
    assert message["Subject"] == "Someone tried to open an account with your address"
    text = mailutil.body(message)
    assert f"{reverse('accounts:login')})" in text
    assert f"{reverse('accounts:password_reset')})" in text
    assert "/password-reset/" not in text  # the pages only: no reset link is in it
    assert AuditEvent.objects.filter(
        action="signup.address_in_use", subject_id=customer.subject_id
    ).exists()


def test_it_shows_other_problems_the_same_whether_or_not_the_address_is_in_use(policy, customer):
    taken = errors_of(post(Client(), {**FORM, "email": "ada@example.com", "username": "ADA"}))
    free = errors_of(post(Client(), {**FORM, "username": "ADA"}))
    assert taken == free == {"username": ["Username: this username is taken."]}
    assert Customer.objects.count() == 1


VARYING = {"set-cookie", "expires", "date"}  # cookies compared by name; times by nature


def without_csrf_token(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def answer(client, data, url=SIGNUP) -> tuple[int, dict[str, str], bytes, list[str]]:
    """What the visitor gets: status, headers and body of the answer and of where it leads."""
    response = post(client, data, url=url)
    seen = [response]
    while seen[-1].status_code in (301, 302, 303):
        seen.append(client.get(seen[-1]["Location"]))
    headers = {k: v for r in seen for k, v in r.headers.items() if k.lower() not in VARYING}
    cookies = sorted(name for r in seen for name in r.cookies)
    return seen[-1].status_code, headers, without_csrf_token(seen[-1].content), cookies


@pytest.mark.parametrize("url", [SIGNUP, ORGANISATION])
def test_a_used_and_a_new_address_get_byte_identical_answers(policy, customer, url):
    data = {**FORM, "organisation_name": "Orbit Ltd"}
    used = answer(Client(), {**data, "email": "ada@example.com", "username": "someone.1"}, url)
    new = answer(Client(), {**data, "email": "new@example.org", "username": "someone.2"}, url)
    assert used == new
    assert used[0] == 200
    assert b"Check your e-mail" in used[2]
    assert Person.objects.filter(user__username="someone.2").exists()
    assert not User.objects.filter(username="someone.1").exists()


def test_a_new_signup_with_an_unconfirmed_address_replaces_the_first(policy):
    post(Client(), FORM)
    first = Person.objects.get(user__username="mary.s")
    response = post(Client(), {**FORM, "username": "mary.again"})
    assert response.url == SENT
    assert not Person.objects.filter(pk=first.pk).exists()
    assert not User.objects.filter(username="mary.s").exists()
    assert Subject.objects.get(pk=first.subject_id).erased_at is not None  # shredded
    assert Person.objects.get(user__username="mary.again").email == "mary@example.org"
    again = post(Client(), FORM)  # the first username is free again
    assert again.url == SENT
    assert AuditEvent.objects.filter(action="signup.discarded").count() == 2


def test_a_first_link_stops_working_once_the_signup_is_replaced(policy):
    post(Client(), FORM)
    first_link = queued_links()[-1]
    post(Client(), {**FORM, "username": "mary.again"})
    opened = Client().get(first_link.split("http://testserver", 1)[-1])
    assert "This link does not work" in opened.content.decode()


# The throttle at its production limits (SIGNUP_EMAIL 5, SIGNUP_IP 20 per 15 minutes).


def test_the_customers_typing_errors_never_use_up_the_throttle(policy):
    client = Client(REMOTE_ADDR="198.51.100.20")
    typos = [
        {"phone": "12"},
        {"phone": "0131 496"},
        {"postal_code": "12345"},
        {"postal_code": "EH2"},
        {"password": "password", "password_confirm": "password"},
        {"country": "IE", "postal_code": "EH2 1JA"},
        {"username": "a b"},
    ]
    for typo in typos * 3:  # 21 refusals: past both limits, were they counted
        response = post(client, {**FORM, **typo})
        assert response.status_code == 200, typo
        assert response.context["form"].errors
    assert (throttle.SIGNUP_EMAIL.limit, throttle.SIGNUP_IP.limit) == (5, 20)
    assert post(client, FORM).url == SENT


def test_one_address_is_refused_after_five_attempts_from_anywhere(policy, customer):
    for email in ("ada@example.com", "new@example.org"):  # in use, and new (replaced each time)
        statuses = [
            post(Client(REMOTE_ADDR=f"198.51.100.{n}"), {**FORM, "email": email}).status_code
            for n in range(6)
        ]
        assert statuses == [302] * 5 + [429]
    refused = post(Client(REMOTE_ADDR="192.0.2.7"), {**FORM, "email": "NEW@example.org"})
    assert refused.status_code == 429
    assert "Too many attempts. Please try again in" in refused.content.decode()
    assert refused["Retry-After"]


def test_one_ip_address_probing_many_addresses_is_refused_after_twenty(policy):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(20):
        data = {**FORM, "email": f"probe{n}@example.org", "username": f"probe{n}"}
        assert post(client, data).status_code == 302
    assert post(client, FORM).status_code == 429
    assert not Person.objects.filter(user__username="mary.s").exists()
    assert post(Client(REMOTE_ADDR="203.0.113.6"), FORM).status_code == 302


def test_a_taken_username_counts_for_the_ip_address_but_not_for_the_email(policy, customer):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(20):  # probing usernames
        errors = errors_of(post(client, {**FORM, "username": "ada"}))
        assert errors == {"username": ["Username: this username is taken."]}
    assert post(client, FORM).status_code == 429
    assert post(Client(REMOTE_ADDR="203.0.113.10"), FORM).url == SENT  # mary's own address


def test_it_stores_security_questions_chosen_at_signup(policy):
    answers = {
        "question_1": "first_pet",
        "answer_1": "Rex!",
        "question_2": "birth_town",
        "answer_2": "Edinburgh",
    }
    assert post(Client(), {**FORM, **answers}).status_code == 302
    user = User.objects.get(username="mary.s")
    assert {a.question for a in SecurityAnswer.objects.filter(user=user)} == {
        "first_pet",
        "birth_town",
    }
    assert check_security_answer(user=user, question="first_pet", answer="rex")
    assert AuditEvent.objects.filter(action="security_answers.set", subject_id=user.subject_id)


def test_it_offers_security_questions_as_voluntary(policy):
    page = Client().get(SIGNUP).content.decode()
    assert 'First question <span class="optional">(optional)</span>' in page
    assert 'Answer to the first question <span class="optional">(optional)</span>' in page
    assert "first_pet" in page
    assert set(SECURITY_QUESTIONS) <= set(SIGNUP_ACTIVITY.voluntary)
    assert post(Client(), FORM).status_code == 302
    assert not SecurityAnswer.objects.exists()


def test_it_refuses_a_half_chosen_or_repeated_question_naming_the_field(policy):
    errors = errors_of(post(Client(), {**FORM, "question_1": "first_pet", "answer_2": "Edinburgh"}))
    assert errors == {
        "answer_1": [
            "Answer to the first question: please give the answer to the question you chose."
        ],
        "question_2": ["Second question: please choose the question you answered."],
    }
    same = {
        "question_1": "first_pet",
        "answer_1": "Rex",
        "question_2": "first_pet",
        "answer_2": "Tom",
    }
    assert errors_of(post(Client(), {**FORM, **same})) == {
        "question_2": ["Second question: choose a different question."]
    }
    assert not Customer.objects.exists()


def test_it_opens_nothing_when_an_answer_is_too_short(policy):
    subjects, keys = Subject.objects.count(), SubjectKey.objects.count()
    response = post(Client(), {**FORM, "question_1": "first_pet", "answer_1": "?!"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Answer to “What was the name of your first pet?”: give 2 to 100 letters or digits."
    ]
    assert not Customer.objects.exists()
    assert not User.objects.exists()
    assert (Subject.objects.count(), SubjectKey.objects.count()) == (subjects, keys)  # no orphan


def test_it_shows_a_bad_answer_with_every_other_problem_at_once(policy):
    data = {**FORM, "question_1": "first_pet", "answer_1": "?!", "phone": "12", "username": "a b"}
    errors = errors_of(post(Client(), data))
    assert set(errors) == {"__all__", "phone", "username"}
    assert not SubjectKey.objects.exists()


def test_it_tells_the_holder_of_an_address_at_most_once_a_day(policy, customer, smtp_server):
    answers = [
        post(Client(REMOTE_ADDR=f"198.51.100.{n}"), {**FORM, "email": "ada@example.com"})
        for n in range(3)
    ]
    assert {(r.status_code, r.url) for r in answers} == {(302, SENT)}
    assert deliver_mail() == 1
    assert len(smtp_server.to("ada@example.com")) == 1
    probes = AuditEvent.objects.filter(action="signup.address_in_use")
    assert [e.details["mailed"] for e in probes.order_by("seq")] == [True, False, False]
    ThrottleBucket.objects.filter(scope="signup-holder-notice").delete()  # as a day later
    post(Client(), {**FORM, "email": "ada@example.com"})
    assert deliver_mail() == 1


def test_it_ties_the_marketing_help_to_its_checkbox(policy):
    page = Client().get(SIGNUP).content.decode()
    assert 'aria-describedby="id_marketing_helptext"' in page
    assert 'id="id_marketing_helptext"' in page
    assert 'id="id_marketing_help"' not in page


def test_a_signed_in_person_goes_to_the_dashboard(customer):
    client = personas.sign_in(Client(), customer.user)
    response = client.get(SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
