# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and tests.cli)
"""``clientvault rights export|erase|overdue``: the operator's tools take the path of a request,
and bad input gets one line naming it and exit 2, never a traceback."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from clientvault.accounts.models import Customer, CustomerStatus, Person
from clientvault.privacy.models import Subject
from clientvault.rights.models import Channel, RightsRequest, Status
from tests.accounts.personas import customer, outsider, teammate  # noqa: F401
from tests.cli import clientvault, development_env, migrated, migrated_var  # noqa: F401
from tests.rights.helpers import a_rights_request

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def rights(*args: str) -> str:
    out = io.StringIO()
    call_command("rights", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        rights(*args)
    assert error.value.returncode == 2
    message = str(error.value)
    assert "\n" not in message
    assert "Traceback" not in message
    return message


def erased(person: Person) -> bool:
    return Subject.objects.get(pk=person.subject_id).is_erased


@pytest.mark.parametrize("fmt", ["json", "zip", "pdf"])
def test_export_writes_the_file_in_each_format(customer, teammate, tmp_path, fmt):
    output = tmp_path / f"ada.{fmt}"

    said = rights(
        "export", "--account", customer.customer.number, "--format", fmt, "--output", str(output)
    )

    assert f"Wrote {output} ({fmt})." in said
    content = output.read_bytes()
    if fmt == "json":
        assert json.loads(content)["subject"]["reference"] == customer.subject.reference  # owner
    elif fmt == "zip":
        assert zipfile.ZipFile(io.BytesIO(content)).namelist()
    else:
        assert content.startswith(b"%PDF-")
    made = RightsRequest.objects.get()
    assert (made.channel, made.verification, made.status) == ("operator", "operator", "completed")


def test_export_of_one_person_on_the_account(customer, teammate, tmp_path):
    output = tmp_path / "grace.json"
    rights(
        "export",
        "--account",
        customer.customer.number,
        "--person",
        teammate.subject.reference,
        "--format",
        "json",
        "--output",
        str(output),
    )
    document = json.loads(output.read_text())
    assert document["subject"]["reference"] == teammate.subject.reference
    assert "Lovelace" not in output.read_text()


def test_a_dry_run_prints_the_plan_and_changes_nothing(customer, teammate):
    said = rights(
        "erase", "--account", customer.customer.number, "--reason", "ticket-1", "--dry-run"
    )

    assert "Erasure plan (dry run: nothing changed)" in said
    assert "Kept until" in said
    assert not erased(customer)
    assert not erased(teammate)
    assert Customer.objects.get(pk=customer.customer_id).status != CustomerStatus.CLOSED
    assert RightsRequest.objects.count() == 0


def test_erasing_the_account_erases_everyone_on_it_and_closes_it(customer, teammate, outsider):
    said = rights("erase", "--account", customer.customer.number, "--reason", "ticket-1")

    assert erased(customer)
    assert erased(teammate)
    assert not erased(outsider)
    account = Customer.objects.get(pk=customer.customer_id)
    assert account.status == CustomerStatus.CLOSED
    assert account.number == customer.customer.number
    made = RightsRequest.objects.get()
    assert (made.scope, made.account, made.status) == ("account", account.number, "completed")
    assert made.events.filter(step="completed").count() == 1
    assert set(made.outcome["erased"]) == {str(customer.subject_id), str(teammate.subject_id)}
    assert f"Erasure {made.reference}" in said
    (number,) = {
        (line["outcome"], line["strategy"], line["why"])
        for line in made.outcome["lines"]
        if line["where"] == "accounts.Customer.number"
    }
    assert number == ("kept", "retain", "accounting records (tax law)")
    row = next(text for text in said.splitlines() if "accounts.Customer.number" in text)
    assert "kept" in row
    assert "accounting records (tax law)" in row


def test_erasing_one_person_leaves_the_rest_of_the_account(customer, teammate):
    rights(
        "erase",
        "--account",
        customer.customer.number,
        "--person",
        teammate.subject.reference,
        "--reason",
        "ticket-2",
    )

    assert erased(teammate)
    assert not erased(customer)
    assert Customer.objects.get(pk=customer.customer_id).status != CustomerStatus.CLOSED
    assert RightsRequest.objects.get().scope == "person"


def test_erasing_an_erased_person_again_is_one_clear_line(customer, teammate):
    args = ["--account", customer.customer.number, "--person", teammate.subject.reference]
    rights("erase", *args, "--reason", "ticket-3")

    message = refused("erase", *args, "--reason", "ticket-3")

    assert message == "This person was erased already; there is nothing left to erase."
    assert RightsRequest.objects.count() == 1


def test_bad_input_is_one_line_naming_it(customer, outsider, tmp_path):
    number = customer.customer.number
    assert "CV-0000000" in refused("erase", "--account", "CV-0000000", "--reason", "t-1")
    assert "S-NOBODY" in refused(
        "erase", "--account", number, "--person", "S-NOBODY", "--reason", "t-1"
    )
    not_on_it = refused(
        "erase", "--account", number, "--person", outsider.subject.reference, "--reason", "t-1"
    )
    assert outsider.subject.reference in not_on_it
    assert "--reason" in refused("erase", "--account", number, "--reason", "Mrs Lovelace asked")
    missing = tmp_path / "no-such-folder" / "out.json"
    assert "--output" in refused(
        "export", "--account", number, "--format", "json", "--output", str(missing)
    )
    assert not erased(customer)
    assert RightsRequest.objects.count() == 0


def due_in(request: RightsRequest, days: int) -> None:
    day = timezone.localdate() + datetime.timedelta(days=days)
    RightsRequest.objects.filter(pk=request.pk).update(due_on=day)


def test_overdue_lists_flagged_requests_and_exits_1_when_any_is_overdue(customer):
    late, soon, calm = (a_rights_request(customer) for _ in range(3))
    due_in(late, -1)
    due_in(soon, 3)
    due_in(calm, 25)

    said = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("rights", "overdue", stdout=said)

    assert exit_.value.code == 1
    text = said.getvalue()
    assert late.reference in text
    assert soon.reference in text
    assert calm.reference not in text
    assert "1 overdue, 1 due within a week, 3 open." in text


def test_overdue_exits_0_when_nothing_is_overdue(customer):
    due_in(a_rights_request(customer), 3)
    assert "0 overdue, 1 due within a week, 1 open." in rights("overdue")


def test_the_real_command_exits_2_on_bad_input_and_0_when_nothing_is_overdue(migrated):
    env = development_env(migrated)

    unknown = clientvault(env, "rights", "erase", "--account", "CV-0000000", "--reason", "t-1")
    assert unknown.returncode == 2
    assert "Traceback" not in unknown.stderr
    assert "CV-0000000" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1

    quiet = clientvault(env, "rights", "overdue")
    assert quiet.returncode == 0, quiet.stderr
    assert "0 overdue" in quiet.stdout


def test_an_operator_request_is_recorded_with_its_channel(customer):
    rights("erase", "--account", customer.customer.number, "--reason", "ticket-9", "--dry-run")
    assert not RightsRequest.objects.exists()
    rights("erase", "--account", customer.customer.number, "--reason", "ticket-9")
    made = RightsRequest.objects.get()
    assert made.channel == Channel.OPERATOR
    assert made.status == Status.COMPLETED
    assert str(made.events.get(step=Status.VERIFIED).reason) == "ticket-9"
