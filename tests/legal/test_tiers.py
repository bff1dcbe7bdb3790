import datetime

import pytest

from clientvault.legal import tiers

TODAY = datetime.date(2026, 12, 6)


def refusal(demand_type, categories):
    return tiers.release_refusal(demand_type=demand_type, categories=categories, today=TODAY)


@pytest.mark.parametrize(
    "category",
    [
        "user.name",
        "user.contact.email",
        "user.contact.phone_number",
        "user.account.username",
        "user.unique_id",
        "user.device.ip_address",
    ],
)
def test_another_demand_receives_subscriber_data(category):
    assert refusal("other", [category]) is None


@pytest.mark.parametrize(
    "category",
    [
        "user.financial",
        "user.financial.credit_card",
        "user.financial.bank_account",
        "user.content.communications",
    ],
)
def test_another_demand_receives_no_billing_records_card_bank_or_content(category):
    found = refusal("other", ["user.name", category])
    assert found is not None
    assert found.rule == "above_demand"
    assert category in found.message


def test_another_demand_receives_no_other_records():
    records = sorted(tiers.NON_CONTENT)
    found = refusal("other", records)
    assert found is not None
    assert found.rule == "above_demand"


def test_a_subpoena_still_reaches_billing_records():
    assert refusal("subpoena", ["user.financial"]) is None


def test_the_register_of_legal_process_is_never_released():
    refusal = tiers.release_refusal(
        demand_type="search_warrant", categories=["user.legal"], today=datetime.date(2026, 12, 6)
    )
    assert refusal is not None
    assert refusal.rule == "never_released"
