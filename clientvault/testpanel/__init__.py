"""A local test control panel: a real HTTP server that stands for a hosting control panel.

It stands in for a panel such as cPanel or Plesk in tests, in ``make run`` and in the demo:
hosting accounts created, suspended, unsuspended, terminated and moved to another plan, with
idempotency keys, a fixed table of plans with disk limits, and the disk and bandwidth each
account uses. It uses the standard library only and imports neither Django nor any other part of
clientvault (``tests/hosting/test_testpanel_standalone.py``). See :mod:`.server` for its API and
:mod:`.panel` for its rules and failure switches.
"""

from clientvault.testpanel.panel import PLANS
from clientvault.testpanel.server import Config, RunningPanel, start

__all__ = ["PLANS", "Config", "RunningPanel", "start"]
