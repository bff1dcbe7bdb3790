"""Sections the apps above hosting add to a service's page in the customer area.

Hosting cannot import them (they are a higher layer): an app registers a function in its
``ready``; the service page calls each with the service's reference and the account's number
and shows what it returns, in the order registered. A section is rendered HTML (a SafeString,
which the page shows as it is; plain text is escaped) or "" to show nothing. The service page
needs the services permission; a section must show nothing else the person may not see.
"""

from __future__ import annotations

from collections.abc import Callable

ServiceSection = Callable[..., str]  # fn(*, reference, account) -> SafeString or ""
_sections: list[ServiceSection] = []


def register_service_section(section: ServiceSection) -> None:
    if section not in _sections:
        _sections.append(section)


def unregister_service_section(section: ServiceSection) -> None:
    if section in _sections:
        _sections.remove(section)


def service_sections(*, reference: str, account: str) -> list[str]:
    """What each registered section shows for the service, leaving out the empty ones."""
    shown = (section(reference=reference, account=account) for section in list(_sections))
    return [html for html in shown if html]
