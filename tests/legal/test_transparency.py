import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.legal.models import DemandType, TransparencyReport
from clientvault.legal.services.demands import complete, refuse_demand
from clientvault.legal.services.releases import approve_release, prepare_release
from clientvault.legal.services.transparency import (
    BadPeriod,
    compute_figures,
    period_bounds,
    save_report,
)
from tests.legal.helpers import a_customer, a_demand, an_approved_release, legal_team, refusals

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _register() -> None:
    """Three demands this half-year: a complied subpoena, a warrant with content, a refusal."""
    a, b = legal_team()
    ada = a_customer()
    release, _ = an_approved_release(ada, a, b)
    complete(demand=release.demand, actor=a)
    warrant = {
        "demand_type": DemandType.SEARCH_WARRANT,
        "jurisdiction": "DE",
        "categories": ["user.content.communications"],
    }
    demand = a_demand(ada, a, **warrant)
    chosen = {ada.subject_id: ["user.content.communications"]}
    approve_release(release=prepare_release(demand=demand, categories=chosen, actor=a), actor=b)
    refuse_demand(demand=a_demand(ada, a), actor=a, reason="Wrong jurisdiction")


def test_the_figures_are_counted_from_the_registers():
    today = timezone.localdate()
    _register()
    period = f"{today.year}H{1 if today.month <= 6 else 2}"
    figures = compute_figures(period)
    assert figures["demands"] == 3
    assert figures["by_type"] == {"subpoena": 2, "search_warrant": 1}
    assert figures["by_country"] == {"DE": 1, "US": 2}
    assert figures["outcomes"] == {
        "refused": 1,
        "partially_complied": 0,
        "fully_complied": 1,
        "open": 1,
    }
    assert figures["accounts_affected"] == 1
    assert figures["disclosures"] == 2
    assert figures["demands_with_content_released"] == 1
    other = "2000H1"
    assert compute_figures(other)["demands"] == 0


def test_a_bad_period_is_refused():
    with pytest.raises(BadPeriod, match="2026H2"):
        period_bounds("2026Q3")
    assert period_bounds("2026h2") == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))


def test_the_command_prints_json_csv_and_html(capsys):
    call_command("legal", "transparency-report", "--period", "2026H2", "--format", "json")
    assert json.loads(capsys.readouterr().out)["period"] == "2026H2"
    call_command("legal", "transparency-report", "--period", "2026H2", "--format", "csv")
    assert capsys.readouterr().out.startswith("section,key,count\ndemands,total,0")
    call_command("legal", "transparency-report", "--period", "2026H2", "--format", "html")
    assert "<h1>Transparency report 2026H2</h1>" in capsys.readouterr().out
    assert not TransparencyReport.objects.exists()


def test_the_command_refuses_a_bad_period_with_exit_2():
    with pytest.raises(CommandError, match="not a half-year") as caught:
        call_command("legal", "transparency-report", "--period", "H2-2026")
    assert caught.value.returncode == 2


def test_publish_shows_the_report_on_the_public_page():
    page = Client().get(reverse("legal:transparency"))
    assert page.status_code == 200
    assert "No report is published yet" in page.content.decode()
    call_command("legal", "transparency-report", "--period", "2026H1", "--publish")
    report = TransparencyReport.objects.get()
    assert report.published_at is not None
    page = Client().get(reverse("legal:transparency"))
    assert "2026H1" in page.content.decode()


def test_accounts_affected_counts_accounts_not_people():
    from tests.accounts.personas import add_authorised_user

    a, b = legal_team()
    ada = a_customer()
    grace = add_authorised_user(ada, username="grace", email="grace@example.com")
    demand = a_demand(ada, a, subjects=[ada.subject_id, grace.subject_id])
    chosen = {ada.subject_id: ["user.name"], grace.subject_id: ["user.name"]}
    approve_release(release=prepare_release(demand=demand, categories=chosen, actor=a), actor=b)
    figures = compute_figures(_this_half())
    assert figures["disclosures"] == 2
    assert figures["accounts_affected"] == 1


def test_content_is_counted_once_per_demand_not_per_person():
    from tests.accounts.personas import OUTSIDER_DETAILS, open_test_account

    a, b = legal_team()
    ada, otto = a_customer(), open_test_account(username="otto.m", details=OUTSIDER_DETAILS)
    content = ["user.content.communications"]
    warrant = {"demand_type": DemandType.SEARCH_WARRANT, "categories": content}
    demand = a_demand(ada, a, subjects=[ada.subject_id, otto.subject_id], **warrant)
    chosen = {ada.subject_id: content, otto.subject_id: content}
    approve_release(release=prepare_release(demand=demand, categories=chosen, actor=a), actor=b)
    figures = compute_figures(_this_half())
    assert figures["accounts_affected"] == 2
    assert figures["demands_with_content_released"] == 1


def _this_half() -> str:
    today = timezone.localdate()
    return f"{today.year}H{1 if today.month <= 6 else 2}"


def test_a_published_report_is_frozen():
    save_report(period="2026H1", actor=None, publish=False)
    save_report(period="2026H1", actor=None, publish=False)  # a preview may be recomputed
    save_report(period="2026H1", actor=None, publish=True)
    with pytest.raises(ValidationError, match="frozen"):
        save_report(period="2026H1", actor=None, publish=False)
    with pytest.raises(CommandError, match="frozen") as caught:
        call_command("legal", "transparency-report", "--period", "2026h1", "--publish")
    assert caught.value.returncode == 2
    assert refusals("report_published") == 2


def test_a_half_year_not_ended_is_previewed_but_not_published(capsys):
    period = _this_half()
    with pytest.raises(CommandError, match="has not ended yet"):
        call_command("legal", "transparency-report", "--period", period, "--publish")
    assert not TransparencyReport.objects.exists()
    assert refusals("period_not_ended") == 1
    call_command("legal", "transparency-report", "--period", period)
    assert json.loads(capsys.readouterr().out)["period"] == period


def test_an_unpublished_report_stays_off_the_page():
    save_report(period="2026H1", actor=None, publish=False)
    assert "2026H1" not in Client().get(reverse("legal:transparency")).content.decode()
