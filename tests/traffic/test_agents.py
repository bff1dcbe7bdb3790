"""User agents are reduced with ua-parser's rules: the browser family matches the uap-core test
cases, and the device class tells robots, phones and tablets apart."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clientvault.traffic.agents import Device, reduce_agent
from tests.traffic.logs import CHROME, GOOGLEBOT

WEBKIT = "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
CASES = Path(__file__).parent / "corpora" / "uap-core-test_ua.yaml"


def test_families_match_the_uap_core_test_cases():
    cases = yaml.safe_load(CASES.read_text())["test_cases"]
    wrong = [c for c in cases if reduce_agent(c["user_agent_string"]).browser != c["family"][:48]]
    assert len(cases) > 1000
    assert len(wrong) <= len(cases) // 100, wrong[:3]


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (GOOGLEBOT, Device.ROBOT),
        (CHROME, Device.DESKTOP),
        (f"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) {WEBKIT}", Device.MOBILE),
        (f"Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) {WEBKIT}", Device.TABLET),
        ("curl/8.5.0", Device.ROBOT),
        ("-", Device.UNKNOWN),
    ],
)
def test_device_classes(agent, device):
    assert reduce_agent(agent).device == device


def test_the_reduction_keeps_family_major_and_system_only():
    agent = reduce_agent(CHROME)
    assert (agent.browser_label, agent.system) == ("Chrome 120", "Windows")
