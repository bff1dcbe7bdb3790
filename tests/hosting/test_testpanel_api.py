# ruff: noqa: F811  (pytest fixtures imported from tests.hosting.panel_server)
"""The test control panel's API: accounts, their states and plans, usage, idempotency, and the
refusals a real panel gives (unknown plan, usage above the new plan, a state that does not allow
the change, a server that does not answer)."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from clientvault.testpanel import PLANS
from tests.hosting.panel_server import (  # noqa: F401
    accounts,
    an_account,
    hanging_panel_server,
    panel_api,
    panel_server,
    set_usage,
)


def create(
    panel, service_ref="svc-1", domain="example.com", plan="shared-starter", key="", timeout=10.0
):
    body = {"service_ref": service_ref, "domain": domain, "plan": plan}
    return panel_api(panel, "POST", "/v1/accounts", body, key=key, timeout=timeout)


def account(panel, service_ref="svc-1"):
    status, body, _ = panel_api(panel, "GET", f"/v1/accounts/{service_ref}")
    assert status == 200, body
    return body


def test_it_refuses_a_call_without_the_right_key(panel_server):
    for bearer in ("", "wrong", panel_server.config.key + "x"):
        status, body, _ = panel_api(panel_server, "GET", "/v1/plans", bearer=bearer)
        assert (status, body["error"]["code"]) == (401, "unauthorized")
    status, body, _ = create(panel_server)
    assert status == 201
    request = urllib.request.Request(panel_server.url + "/v1/plans")  # no header at all
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401


def test_it_lists_its_plans_with_their_disk_limits(panel_server):
    status, body, _ = panel_api(panel_server, "GET", "/v1/plans")
    assert status == 200
    limits = {plan["code"]: plan["disk_mb"] for plan in body["data"]}
    assert limits == PLANS
    assert limits["shared-starter"] == 5000
    assert limits["dedicated-e3"] == 1_000_000
    addons = {plan["code"] for plan in body["data"] if plan["addon"]}
    assert addons == {"addon-backup", "addon-ssl", "addon-cdn"}


def test_it_creates_an_active_account_named_after_the_domain(panel_server):
    status, body, _ = create(panel_server, domain="Example.COM")
    assert status == 201
    assert body["service_ref"] == "svc-1"
    assert body["domain"] == "example.com"
    assert body["username"] == "examplec"
    assert body["plan"] == "shared-starter"
    assert body["status"] == "active"
    assert body["id"].startswith("acct_")
    assert account(panel_server) == body


def test_each_account_gets_a_username_of_its_own(panel_server):
    names = [
        create(panel_server, f"svc-{n}", domain=f"example.{tld}")[1]["username"]
        for n, tld in enumerate(["com", "org", "net", "de"])
    ]
    assert names == ["examplec", "exampleo", "examplen", "exampled"]
    same = [
        create(panel_server, f"dup-{n}", domain="shop.example.com")[1]["username"] for n in range(3)
    ]
    assert same == ["shopexam", "shopexa1", "shopexa2"]
    digits = create(panel_server, "svc-digits", domain="123-reg.example")[1]["username"]
    assert digits == "regexamp"


def test_creating_the_same_service_again_returns_the_account(panel_server):
    first = create(panel_server)[1]
    status, again, _ = create(panel_server)
    assert status == 200
    assert again == first
    assert len(accounts(panel_server)) == 1


def test_a_service_ref_created_again_with_another_domain_or_plan_is_a_conflict(panel_server):
    create(panel_server)
    for other in ({"domain": "other.example"}, {"plan": "shared-pro"}):
        status, body, _ = create(panel_server, **other)
        assert (status, body["error"]["code"]) == (409, "service_ref_conflict")
    assert len(accounts(panel_server)) == 1


def test_it_refuses_an_unknown_plan(panel_server):
    status, body, _ = create(panel_server, plan="shared-gigantic")
    assert (status, body["error"]["code"]) == (422, "unknown_plan")
    assert "shared-gigantic" not in body["error"]["message"]
    assert accounts(panel_server) == []


@pytest.mark.parametrize(
    "domain",
    ["", "no-dot", "bad_underscore.example", "-dash.example", "exämple.com", "a" * 64 + ".com"],
)
def test_it_refuses_a_domain_that_is_not_a_host_name(panel_server, domain):
    status, body, _ = create(panel_server, domain=domain)
    assert status == 400
    assert body["error"]["code"] in ("invalid_domain", "parameter_missing")
    assert accounts(panel_server) == []


def test_it_refuses_a_missing_or_malformed_field(panel_server):
    cases = [
        ({"domain": "example.com", "plan": "shared-starter"}, "parameter_missing"),
        (
            {"service_ref": "has space", "domain": "example.com", "plan": "shared-starter"},
            "parameter_invalid",
        ),
        (
            {"service_ref": 7, "domain": "example.com", "plan": "shared-starter"},
            "parameter_invalid",
        ),
        ({"service_ref": "svc-1", "domain": "example.com"}, "parameter_missing"),
    ]
    for body, code in cases:
        status, answer, _ = panel_api(panel_server, "POST", "/v1/accounts", body)
        assert (status, answer["error"]["code"]) == (400, code)


def test_an_idempotency_key_replays_the_first_answer_and_does_nothing_more(panel_server):
    status, first, headers = create(panel_server, key="create-1")
    assert status == 201
    assert "Idempotent-Replayed" not in headers
    status, again, headers = create(panel_server, key="create-1")
    assert (status, again) == (201, first)
    assert headers["Idempotent-Replayed"] == "true"
    path = "/v1/accounts/svc-1/suspend"
    panel_api(panel_server, "POST", path, {"reason": "unpaid"}, key="suspend-1")
    panel_api(panel_server, "POST", "/v1/accounts/svc-1/unsuspend", {}, key="unsuspend-1")
    status, replayed, headers = panel_api(
        panel_server, "POST", path, {"reason": "unpaid"}, key="suspend-1"
    )
    assert (status, replayed["status"], headers["Idempotent-Replayed"]) == (
        200,
        "suspended",
        "true",
    )
    assert account(panel_server)["status"] == "active"  # the replay suspended nothing
    assert len(accounts(panel_server)) == 1


def test_an_idempotency_key_used_again_for_another_request_is_refused(panel_server):
    create(panel_server, key="key-1")
    status, body, _ = create(panel_server, service_ref="svc-2", key="key-1")
    assert (status, body["error"]["code"]) == (409, "idempotency_key_reused")
    path = "/v1/accounts/svc-1/suspend"
    status, body, _ = panel_api(panel_server, "POST", path, {"reason": "x"}, key="key-1")
    assert (status, body["error"]["code"]) == (409, "idempotency_key_reused")
    assert [row["service_ref"] for row in accounts(panel_server)] == ["svc-1"]
    assert account(panel_server)["status"] == "active"


def test_a_refusal_is_not_remembered_under_its_key(panel_server):
    create(panel_server)
    set_usage(panel_server, "svc-1", disk_mb=12_000)
    path = "/v1/accounts/svc-1/plan"
    status, body, _ = panel_api(panel_server, "POST", path, {"plan": "shared-starter"}, key="p-1")
    assert status == 200  # already on it
    status, body, _ = panel_api(panel_server, "POST", path, {"plan": "shared-plus"}, key="p-2")
    assert status == 200
    status, body, _ = panel_api(panel_server, "POST", path, {"plan": "shared-starter"}, key="p-3")
    assert (status, body["error"]["code"]) == (409, "usage_over_plan")
    set_usage(panel_server, "svc-1", disk_mb=1_000)
    status, body, _ = panel_api(panel_server, "POST", path, {"plan": "shared-starter"}, key="p-3")
    assert (status, body["plan"]) == (200, "shared-starter")


def test_it_suspends_unsuspends_and_terminates_an_account(panel_server):
    create(panel_server)
    base = "/v1/accounts/svc-1"
    status, body, _ = panel_api(
        panel_server, "POST", f"{base}/suspend", {"reason": "Unpaid invoice"}
    )
    assert (status, body["status"], body["suspension_reason"]) == (
        200,
        "suspended",
        "Unpaid invoice",
    )
    status, body, _ = panel_api(panel_server, "POST", f"{base}/unsuspend", {})
    assert (status, body["status"], body["suspension_reason"]) == (200, "active", "")
    status, body, _ = panel_api(panel_server, "POST", f"{base}/terminate")
    assert (status, body["status"]) == (200, "terminated")
    assert account(panel_server)["status"] == "terminated"


def test_suspending_a_suspended_account_changes_nothing(panel_server):
    create(panel_server)
    path = "/v1/accounts/svc-1/suspend"
    panel_api(panel_server, "POST", path, {"reason": "Unpaid invoice"})
    status, body, _ = panel_api(panel_server, "POST", path, {"reason": "Abuse"})
    assert (status, body["status"], body["suspension_reason"]) == (
        200,
        "suspended",
        "Unpaid invoice",
    )


def test_only_a_suspended_account_is_unsuspended(panel_server):
    create(panel_server)
    status, body, _ = panel_api(panel_server, "POST", "/v1/accounts/svc-1/unsuspend", {})
    assert (status, body["error"]["code"]) == (409, "invalid_state")
    assert body["error"]["message"] == (
        "The account is active; only a suspended account can be unsuspended."
    )


def test_a_terminated_account_stays_terminated(panel_server):
    create(panel_server)
    base = "/v1/accounts/svc-1"
    panel_api(panel_server, "POST", f"{base}/terminate", {})
    for action, body in [
        ("suspend", {"reason": "x"}),
        ("unsuspend", {}),
        ("terminate", {}),
        ("plan", {"plan": "shared-pro"}),
    ]:
        status, answer, _ = panel_api(panel_server, "POST", f"{base}/{action}", body)
        assert (status, answer["error"]["code"]) == (409, "invalid_state"), action
    assert account(panel_server)["status"] == "terminated"


def test_it_changes_the_plan_of_an_active_or_suspended_account(panel_server):
    create(panel_server)
    path = "/v1/accounts/svc-1/plan"
    status, body, _ = panel_api(panel_server, "POST", path, {"plan": "vps-small"})
    assert (status, body["plan"]) == (200, "vps-small")
    panel_api(panel_server, "POST", "/v1/accounts/svc-1/suspend", {"reason": "x"})
    status, body, _ = panel_api(panel_server, "POST", path, {"plan": "shared-pro"})
    assert (status, body["plan"], body["status"]) == (200, "shared-pro", "suspended")
    status, body, _ = panel_api(panel_server, "POST", path, {"plan": "nope"})
    assert (status, body["error"]["code"]) == (422, "unknown_plan")


def test_it_refuses_a_plan_whose_disk_is_below_the_usage(panel_server):
    create(panel_server, plan="shared-plus")
    set_usage(panel_server, "svc-1", disk_mb=12_000, bandwidth_mb=300)
    status, body, _ = panel_api(
        panel_server, "POST", "/v1/accounts/svc-1/plan", {"plan": "shared-starter"}
    )
    assert (status, body["error"]["code"]) == (409, "usage_over_plan")
    assert body["error"]["message"] == (
        "The account uses 12,000 MB of disk; the plan shared-starter allows 5,000 MB."
    )
    assert account(panel_server)["plan"] == "shared-plus"


def test_usage_is_what_the_hook_last_set(panel_server):
    create(panel_server)
    create(panel_server, "svc-ssl", domain="ssl.example", plan="addon-ssl")
    status, body, _ = panel_api(panel_server, "GET", "/v1/accounts/svc-1/usage")
    assert (status, body["disk_mb"], body["bandwidth_mb"]) == (200, 100, 0)
    assert panel_api(panel_server, "GET", "/v1/accounts/svc-ssl/usage")[1]["disk_mb"] == 0
    set_usage(panel_server, "svc-1", disk_mb=4_321, bandwidth_mb=98_765)
    body = panel_api(panel_server, "GET", "/v1/accounts/svc-1/usage")[1]
    assert (body["disk_mb"], body["bandwidth_mb"], body["disk_limit_mb"]) == (4_321, 98_765, 5_000)
    for bad in (-1, 1.5, "10", True):
        status, body, _ = panel_api(
            panel_server, "POST", "/v1/accounts/svc-1/usage", {"disk_mb": bad}
        )
        assert (status, body["error"]["code"]) == (400, "parameter_invalid")


def test_an_unknown_account_or_route_is_not_found(panel_server):
    for method, path in [
        ("GET", "/v1/accounts/nobody"),
        ("GET", "/v1/accounts/nobody/usage"),
        ("POST", "/v1/accounts/nobody/suspend"),
        ("POST", "/v1/accounts/nobody/plan"),
        ("GET", "/v1/nothing"),
        ("POST", "/v1/plans"),
    ]:
        status, body, _ = panel_api(panel_server, method, path, {} if method == "POST" else None)
        assert (status, body["error"]["code"]) == (404, "not_found"), path


def test_a_down_domain_is_never_created(panel_server):
    status, body, _ = create(panel_server, domain="down-example.com", key="down-1")
    assert (status, body["error"]["code"]) == (503, "server_unavailable")
    assert accounts(panel_server) == []
    status, body, _ = create(panel_server, domain="down-example.com", key="down-1")
    assert status == 503  # not remembered: nothing was done


def test_an_account_on_a_down_server_cannot_be_suspended_unsuspended_or_terminated(panel_server):
    an_account(panel_server, "svc-down", domain="down-example.com", status="suspended")
    for action in ("suspend", "unsuspend", "terminate"):
        status, body, _ = panel_api(panel_server, "POST", f"/v1/accounts/svc-down/{action}", {})
        assert (status, body["error"]["code"]) == (503, "server_unavailable"), action
    assert account(panel_server, "svc-down")["status"] == "suspended"


def test_a_slow_domain_is_created_though_the_answer_comes_late(hanging_panel_server):
    panel = hanging_panel_server
    with pytest.raises(TimeoutError):
        create(panel, domain="slow-example.com", key="slow-1", timeout=0.5)
    rows = accounts(panel)
    assert [(row["service_ref"], row["status"]) for row in rows] == [("svc-1", "active")]
    status, body, headers = create(panel, domain="slow-example.com", key="slow-1")
    assert (status, headers["Idempotent-Replayed"]) == (201, "true")
    assert body["id"] == rows[0]["id"]
    status, body, _ = create(panel, domain="slow-example.com")  # no key: found by service_ref
    assert (status, body["id"]) == (200, rows[0]["id"])
    assert len(accounts(panel)) == 1


def test_a_body_that_is_not_a_json_object_is_refused(panel_server):
    for data in (b"{not json", b"[1, 2]", b"\xff\xfe"):
        status, body, _ = panel_api(panel_server, "POST", "/v1/accounts", data=data)
        assert (status, body["error"]["code"]) == (400, "invalid_json")
    assert accounts(panel_server) == []


def test_a_body_too_large_is_refused(panel_server):
    data = b'{"service_ref": "' + b"x" * 20_000 + b'"}'
    status, body, _ = panel_api(panel_server, "POST", "/v1/accounts", data=data)
    assert (status, body["error"]["code"]) == (413, "body_too_large")


def test_a_refusal_never_repeats_what_was_sent(panel_server):
    marker = "<script>secret-marker"
    bodies = [
        {"service_ref": marker, "domain": "example.com", "plan": "shared-starter"},
        {"service_ref": "svc-1", "domain": marker, "plan": "shared-starter"},
        {"service_ref": "svc-1", "domain": "example.com", "plan": marker},
    ]
    for body in bodies:
        status, answer, _ = panel_api(panel_server, "POST", "/v1/accounts", body)
        assert status >= 400
        assert "secret-marker" not in str(answer)


def test_the_health_check_needs_no_key(panel_server):
    with urllib.request.urlopen(panel_server.url + "/health", timeout=10) as answer:
        assert answer.status == 200


def test_a_client_that_hangs_up_does_not_stop_the_server(panel_server):
    with socket.create_connection(("127.0.0.1", int(panel_server.url.rsplit(":", 1)[1]))) as sock:
        sock.sendall(b"POST /v1/accounts HTTP/1.1\r\nContent-Length: 50\r\n")
    assert panel_api(panel_server, "GET", "/v1/plans")[0] == 200


def test_the_same_account_created_at_once_from_many_threads_is_created_once(panel_server):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: create(panel_server), range(16)))
    assert sorted(status for status, _, _ in answers) == [200] * 15 + [201]
    assert len({body["id"] for _, body, _ in answers}) == 1
    assert len(accounts(panel_server)) == 1
