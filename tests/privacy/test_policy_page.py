"""/privacy: the public policy, rendered from the profile and the inventory."""

import re

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst

from clientvault.privacy.cookies import registry as cookie_registry
from clientvault.privacy.inventory import registry
from clientvault.privacy.profile import PRESETS_DIR, RETENTION_KEYS, current_profile, load_profile
from clientvault.privacy.rendering import INTERNAL_RETENTION, RETENTION_LABELS, render_policy

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def use_preset(settings):
    def switch(name: str) -> None:
        settings.CLIENTVAULT_POLICY = PRESETS_DIR / f"{name}.toml"
        current_profile.cache_clear()

    return switch


def page(client) -> str:
    response = client.get("/privacy")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_it_shows_who_we_are_the_privacy_contact_and_the_effective_date(client):
    html = page(client)
    assert "Example Hosting Ltd" in html
    assert 'href="mailto:privacy@example.com"' in html
    today = timezone.localdate()
    assert f'effective from <time datetime="{today:%Y-%m-%d}">' in html
    assert date_format(today, "j F Y") in html
    assert 'href="/privacy/versions"' in html


def test_it_says_where_customers_reach_support(client):
    html = page(client)
    assert (
        'contact our support team at <a href="mailto:support@example.com">support@example.com</a>'
        ' or by telephone on <a href="tel:+17035550100">+1 703-555-0100</a>'
    ) in html


def test_it_lists_what_the_inventory_declares_with_purposes_and_retention(client):
    html = page(client)
    # tests/kernelapp declares a payment card for payment processing only, and sign-in records
    # that expire after the profile's login_history period.
    card_row = re.search(
        r"Payment card <span class=\"policy-flag\">\(restricted\)</span>.*?</tr>", html
    )
    assert card_row is not None
    assert "Processing payments" in card_row.group(0)
    assert "Sending service notices" not in card_row.group(0)
    ip_row = re.search(r"<th scope=\"row\">IP address</th>.*?</tr>", html)
    assert ip_row is not None
    assert "1 year in your sign-in history" in ip_row.group(0)


def test_it_lists_every_cookie_of_the_registry_with_purpose_kind_and_lifetime(client):
    html = page(client)
    for cookie in cookie_registry():
        row = (
            f'<tr><th scope="row"><code>{cookie.name}</code></th>'
            f'<td data-label="What it is for">{capfirst(cookie.purpose)}.</td>'
            f'<td data-label="Kind">{cookie.necessity.label}</td>'
            f'<td data-label="How long it lasts">{capfirst(cookie.lifetime)}</td></tr>'
        )
        assert row in html, cookie.name
    assert "<code>cv_device</code>" in html
    assert '<td data-label="Kind">Preference, only if you agree</td>' in html
    assert 'href="/cookies">change your choice about cookies</a>' in html


def test_it_says_global_privacy_control_refuses_partner_sharing_only_where_partners_are_offered(
    client, use_preset
):
    assert "Global Privacy Control signal" in page(client)
    assert "and of any sharing of your data with partners" not in page(client)
    use_preset("partner-opt-out")
    assert "and of any sharing of your data with partners" in page(client)


def test_it_states_the_promises_every_profile_keeps(client):
    html = page(client)
    assert "We never sell, lease or rent your personal data" in html
    assert "subpoena, a warrant or a court order" in html
    assert "strictly necessary" in html
    assert "<code>sessionid</code>" in html
    assert "their own data and privacy practices" in html
    assert "new version with the date it takes effect" in html
    assert "verify your identity" in html
    assert "authorised agent" in html
    assert "Your sign-in sessions</th><td>14 days" in html


def test_it_states_the_need_to_know_stance(client):
    html = page(client)
    assert "stored on our servers in the United States" in html
    assert "Standard contractual clauses" in html
    assert "receive only the data they need to know" in html
    assert "We do not share your data with partners." in html


def test_it_states_the_partner_opt_out_stance(client, use_preset):
    use_preset("partner-opt-out")
    html = page(client)
    assert "We share your name and e-mail address with selected partners" in html
    assert "unless you object" in html
    assert 'href="mailto:optout@example.com"' in html
    assert 'href="mailto:reseller-optout@example.com"' in html
    assert "inside the European Economic Area" in html
    assert "We do not transfer it to other countries." in html


def test_it_states_what_the_registrar_receives_under_the_card_stance(client, use_preset):
    use_preset("no-sharing-registrar-with-card")
    html = page(client)
    assert "the registrar receives the domain name and your name and payment card" in html
    assert "No affiliated company receives your data." in html


def test_it_lists_only_the_profiles_grounds_for_disclosing_communications(settings, tmp_path):
    text = (PRESETS_DIR / "no-sharing.toml").read_text()
    path = tmp_path / "policy.toml"
    path.write_text(text.replace('"legitimate_interest", "legal_process"', '"legal_process"'))
    html = render_policy(load_profile(path), registry)
    assert "legal process that we find valid" in html
    assert "legitimate interests of" not in html


@pytest.mark.parametrize("name", sorted(p.stem for p in PRESETS_DIR.glob("*.toml")))
def test_it_renders_every_preset_the_same_way_twice_without_a_date(name):
    profile = load_profile(PRESETS_DIR / f"{name}.toml")
    first, second = render_policy(profile, registry), render_policy(profile, registry)
    assert first == second
    assert str(timezone.localdate().year) not in first
    assert profile.operator_name in first


def test_it_needs_no_javascript_and_nothing_from_another_site(client):
    html = page(client)
    assert "<script" not in html
    assert not re.search(r"(src|href)=\"(https?:)?//(?!example\.com)", html)
    assert "<h1" in html
    assert 'aria-label="Contents of this policy"' in html


def test_it_answers_only_safe_methods(client):
    assert client.post("/privacy").status_code == 405


def test_it_answers_404_for_a_version_that_does_not_exist(client):
    assert client.get("/privacy/versions/999").status_code == 404


def test_the_retention_list_names_only_records_about_the_customer_in_plain_words(client):
    html = page(client)
    table = html.split('<section id="retention"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert "Your account log" in rows
    assert "The history of changes to your details" in rows
    assert "Your reports of unauthorised use" in rows
    for internal in ("Throttle", "throttle", "background job", "Task results", "Client log"):
        assert internal not in table
    assert "background job" not in html
    # Every period of the profile is either listed in words or known to be our own machinery.
    assert set(RETENTION_LABELS) | set(INTERNAL_RETENTION) >= set(RETENTION_KEYS)
    assert len(rows) == len(RETENTION_KEYS) - len(INTERNAL_RETENTION)
