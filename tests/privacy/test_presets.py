"""The presets: one per stance of the seed policies, each loads and keeps its promises."""

import pytest

from clientvault.privacy.profile import (
    COMMUNICATION_GROUNDS,
    PRESETS_DIR,
    RETENTION_KEYS,
    Profile,
    load_profile,
)

CARD = "user.financial.credit_card"
STANCES = {
    "need-to-know": "004",
    "no-sharing-registrar-with-card": "000",
    "no-sharing": "001",
    "partner-opt-out": "002",
    "payment-only": "003",
}


def preset(name: str) -> Profile:
    return load_profile(PRESETS_DIR / f"{name}.toml")


def test_there_is_one_preset_per_seed_stance():
    assert {p.stem for p in PRESETS_DIR.glob("*.toml")} == set(STANCES)


@pytest.mark.parametrize("name", sorted(STANCES))
def test_each_preset_loads_with_the_shared_retention_keys_and_roles(name):
    profile, reference = preset(name), preset("need-to-know")
    assert set(profile.retention) == set(reference.retention) == set(RETENTION_KEYS)
    assert set(profile.roles) == set(reference.roles)
    assert profile.privacy_contact.endswith("@example.com")
    assert profile.marketing_opt_out_address.endswith("@example.com")


@pytest.mark.parametrize("name", sorted(STANCES))
def test_each_preset_lets_only_roles_without_calls_work_without_a_caller(name):
    back_office = preset(name).back_office
    assert back_office == {
        "support": (),
        "administrator": (),
        "billing": ("billing_run",),
        "privacy_officer": ("privacy_request",),
        "legal": ("legal_request",),
    }


@pytest.mark.parametrize("name", sorted(STANCES))
def test_each_preset_keeps_payment_cards_from_partners(name):
    profile = preset(name)
    assert CARD not in profile.partner_categories
    assert CARD in profile.processor_categories


def test_need_to_know_stores_in_the_us_with_safeguards_and_affiliates_need_to_know():
    profile = preset("need-to-know")
    assert profile.storage_country == "US"
    assert profile.transfers_outside_eea
    assert profile.transfer_safeguards
    assert profile.affiliates_need_to_know
    assert profile.partners == "never"


def test_no_sharing_registrar_with_card_releases_name_and_card_to_the_registrar():
    profile = preset("no-sharing-registrar-with-card")
    assert profile.partners == "never"
    assert not profile.affiliates_need_to_know
    assert set(profile.registrar_categories) == {"user.name", CARD}


def test_no_sharing_discloses_communications_only_on_the_four_grounds():
    profile = preset("no-sharing")
    assert profile.partners == "never"
    assert not profile.partner_categories
    assert not profile.affiliates_need_to_know
    assert profile.communication_grounds == COMMUNICATION_GROUNDS
    assert CARD not in profile.registrar_categories
    assert profile.registry_public


def test_partner_opt_out_shares_with_partners_unless_the_customer_opts_out():
    profile = preset("partner-opt-out")
    assert profile.partners == "opt-out"
    assert set(profile.partner_categories) == {"user.name", "user.contact.email"}
    assert profile.marketing_default == "opt-out"
    assert profile.reseller_newsletters
    assert profile.reseller_opt_out_address != profile.marketing_opt_out_address
    assert "partner_sharing" in profile.purposes_for({"system"})


def test_payment_only_lets_only_billing_staff_and_the_charging_job_process_payments():
    profile = preset("payment-only")
    processing = {r for r, purposes in profile.roles.items() if "payment_processing" in purposes}
    assert processing == {"billing", "system"}
    assert CARD not in profile.registrar_categories
    assert profile.partners == "never"
    assert "marketing" not in profile.purposes_for(set(profile.roles))


@pytest.mark.parametrize("name", sorted(STANCES))
def test_each_preset_says_where_customers_reach_support(name):
    profile = preset(name)
    assert profile.support_email == "support@example.com"
    assert profile.support_phone.startswith("+")
