# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""``clientvault incidents scope``: counts by category, ids on request, clear refusals."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.accounts.personas import customer, outsider  # noqa: F401
from tests.incidents.helpers import compromised

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("incidents", "scope", *args, stdout=out)
    return out.getvalue()


def test_it_prints_counts_by_category_and_ids(customer, outsider):
    compromised([customer, outsider])
    text = run("--login", "mallory", "--since", "2020-01-01T00:00", "--ids")
    assert "2 people" in text
    assert "user.contact.phone_number" in text
    assert f"{customer.subject_id} seen" in text


def test_without_ids_no_subject_is_printed(customer):
    compromised([customer])
    assert str(customer.subject_id) not in run("--login", "mallory", "--since", "2020-01-01")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--login", "nobody", "--since", "2020-01-01"], "--login: no login has this username."),
        (["--login", "mallory", "--since", "yesterday"], "--since: not a date and time"),
        (
            ["--login", "mallory", "--since", "2026-02-01", "--until", "2026-01-01"],
            "--until: the window must end after it starts.",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(customer, args, message):
    compromised([customer])
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert message in str(refused.value)
    assert refused.value.returncode == 2
