"""A user agent reduced to what the figures need: browser family and major version, operating
system family and a device class (ua-parser's rules, from the uap-core project).

The full user-agent string is never kept: it is a fingerprint. Each distinct string is parsed
once per run (a log repeats a few hundred strings a million times).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ua_parser


class Device:
    DESKTOP = "desktop"
    MOBILE = "mobile"
    TABLET = "tablet"
    ROBOT = "robot"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Agent:
    browser: str  # family, e.g. "Chrome"
    major: str  # e.g. "120"; "" when unknown
    system: str  # e.g. "Windows"
    device: str  # a Device value

    @property
    def robot(self) -> bool:
        return self.device == Device.ROBOT

    @property
    def browser_label(self) -> str:
        return f"{self.browser} {self.major}".strip()


_TABLETS = ("ipad", "tablet", "kindle", "nexus 7", "nexus 9", "sm-t")
_MOBILE_SYSTEMS = {"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "Symbian OS"}
_ROBOT_WORDS = ("bot", "crawl", "spider", "slurp", "curl", "wget", "python-requests", "scanner")


def _device(result: ua_parser.Result, text: str) -> str:
    family = (result.device.family if result.device else "") or ""
    lowered = text.lower()
    if family == "Spider" or any(word in lowered for word in _ROBOT_WORDS):
        return Device.ROBOT
    if any(word in f"{family} {lowered}".lower() for word in _TABLETS):
        return Device.TABLET
    system = result.os.family if result.os else ""
    if system in _MOBILE_SYSTEMS or "mobile" in lowered:
        return Device.MOBILE
    return Device.DESKTOP if system else Device.UNKNOWN


@lru_cache(maxsize=65536)
def reduce_agent(text: str) -> Agent:
    """The reduced form of one user-agent string ("" or "-": unknown, not a robot)."""
    if not text.strip() or text.strip() == "-":
        return Agent("Unknown", "", "Unknown", Device.UNKNOWN)
    result = ua_parser.parse(text)
    agent = result.user_agent
    return Agent(
        browser=(agent.family if agent else "Other")[:48],
        major=(agent.major or "" if agent else "")[:8],
        system=((result.os.family if result.os else "") or "Other")[:48],
        device=_device(result, text),
    )
