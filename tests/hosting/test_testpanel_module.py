# ruff: noqa: F811  (pytest fixtures imported from tests.hosting.panel_server)
"""The test panel's server module against the real panel: what each call returns, and the two
ways a call fails (the panel did not answer: try again; the panel said no: say why)."""

from __future__ import annotations

import socket

import pytest

from clientvault.hosting.modules.base import (
    PanelAccount,
    PanelRefused,
    PanelUnavailable,
    PanelUsage,
    ServerModule,
)
from clientvault.hosting.modules.registry import current_module, module_named
from clientvault.hosting.modules.testpanel import TestPanel
from tests.hosting.panel_server import (  # noqa: F401
    SHORT_TIMEOUT,
    accounts,
    an_account,
    hanging_panel_server,
    panel_server,
    set_usage,
)


@pytest.fixture
def module(panel_server) -> ServerModule:
    return current_module()


def a_service(module, service_ref="svc-1", domain="example.com", plan="shared-starter"):
    return module.create(
        service_ref=service_ref, domain=domain, plan=plan, idempotency_key=f"create-{service_ref}"
    )


def test_the_registry_gives_the_test_panel(panel_server):
    module = current_module()
    assert isinstance(module, TestPanel)
    assert (module.key, module.label) == ("testpanel", "Test control panel")


def test_the_registry_refuses_a_module_it_does_not_know():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="unknown server module 'plesk'"):
        module_named("plesk")


def test_it_creates_an_account(module, panel_server):
    account = a_service(module)
    [row] = accounts(panel_server)
    assert account == PanelAccount(
        reference=row["id"],
        username="examplec",
        domain="example.com",
        plan="shared-starter",
        status="active",
    )


def test_creating_again_with_the_same_key_returns_the_same_account(module, panel_server):
    first = a_service(module)
    assert a_service(module) == first
    assert len(accounts(panel_server)) == 1


def test_it_suspends_and_unsuspends_an_account(module):
    a_service(module)
    suspended = module.suspend(service_ref="svc-1", reason="Unpaid invoice", idempotency_key="s-1")
    assert suspended.status == "suspended"
    again = module.suspend(service_ref="svc-1", reason="Unpaid invoice", idempotency_key="s-2")
    assert again.status == "suspended"
    assert module.unsuspend(service_ref="svc-1", idempotency_key="u-1").status == "active"


def test_it_terminates_an_account_for_good(module):
    a_service(module)
    assert module.terminate(service_ref="svc-1", idempotency_key="t-1").status == "terminated"
    assert module.terminate(service_ref="svc-1", idempotency_key="t-1").status == "terminated"
    with pytest.raises(PanelRefused) as refused:
        module.unsuspend(service_ref="svc-1", idempotency_key="u-1")
    assert refused.value.code == "invalid_state"
    assert not refused.value.retryable


def test_it_changes_the_plan(module):
    a_service(module)
    account = module.change_plan(service_ref="svc-1", plan="shared-pro", idempotency_key="p-1")
    assert account.plan == "shared-pro"


def test_it_reads_the_usage(module, panel_server):
    a_service(module)
    assert module.usage(service_ref="svc-1") == PanelUsage(disk_mb=100, bandwidth_mb=0)
    set_usage(panel_server, "svc-1", disk_mb=2_500, bandwidth_mb=40_000)
    assert module.usage(service_ref="svc-1") == PanelUsage(disk_mb=2_500, bandwidth_mb=40_000)


def test_a_plan_smaller_than_the_usage_is_refused_with_the_panels_reason(module, panel_server):
    a_service(module, plan="shared-plus")
    set_usage(panel_server, "svc-1", disk_mb=12_000)
    with pytest.raises(PanelRefused) as refused:
        module.change_plan(service_ref="svc-1", plan="shared-starter", idempotency_key="p-1")
    assert refused.value.code == "usage_over_plan"
    assert refused.value.reason == (
        "The account uses 12,000 MB of disk; the plan shared-starter allows 5,000 MB."
    )
    assert str(refused.value) == refused.value.reason


def test_an_unknown_plan_or_account_is_refused(module):
    with pytest.raises(PanelRefused) as refused:
        a_service(module, plan="shared-gigantic")
    assert refused.value.code == "unknown_plan"
    with pytest.raises(PanelRefused) as refused:
        module.usage(service_ref="nobody")
    assert refused.value.code == "not_found"


def test_a_wrong_key_is_refused(module, settings):
    settings.TEST_PANEL_KEY = "not-the-key"
    with pytest.raises(PanelRefused) as refused:
        module.usage(service_ref="svc-1")
    assert refused.value.code == "unauthorized"


def test_a_timeout_is_unavailable_and_the_retry_creates_no_second_account(hanging_panel_server):
    module = current_module()
    call = {
        "service_ref": "svc-slow",
        "domain": "slow-example.com",
        "plan": "shared-starter",
        "idempotency_key": "create-svc-slow",
    }
    with pytest.raises(PanelUnavailable) as unavailable:
        module.create(**call)
    assert (unavailable.value.retryable, unavailable.value.code) == (True, "timeout")
    assert unavailable.value.reason == (
        f"The control panel did not answer within {SHORT_TIMEOUT} seconds."
    )
    account = module.create(**call)
    [row] = accounts(hanging_panel_server)
    assert (account.reference, account.status) == (row["id"], "active")


def test_a_server_that_does_not_answer_is_unavailable(module, panel_server):
    with pytest.raises(PanelUnavailable) as unavailable:
        a_service(module, domain="down-example.com")
    assert unavailable.value.code == "server_unavailable"
    assert unavailable.value.reason == (
        "The control panel could not do this now (503): "
        "The server that holds this account is not answering."
    )
    assert accounts(panel_server) == []
    an_account(panel_server, "svc-down", domain="down-example.com")
    with pytest.raises(PanelUnavailable):
        module.suspend(service_ref="svc-down", reason="x", idempotency_key="s-1")


def test_a_panel_that_is_not_running_is_unavailable(module, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.TEST_PANEL_URL = f"http://127.0.0.1:{port}"
    with pytest.raises(PanelUnavailable) as unavailable:
        a_service(module)
    assert unavailable.value.code == "unreachable"
    assert unavailable.value.reason == (
        "The control panel could not be reached: it refused the connection."
    )
