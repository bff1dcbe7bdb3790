"""The offline test registrar: a domain registrar, and its registry's public RDAP, on its own.

It stands in for a real registrar in tests, in ``make run`` and in the demo: TLD policies (which
contact fields each registry publishes, whether it allows ID protection), availability checks,
registrations, transfers in with auth codes, renewals, contact changes, ID protection, and the
public RDAP view of each domain. It uses the standard library only and imports neither Django
nor any other part of clientvault (``tests/hosting/test_testregistrar_standalone.py``), so it
could be lifted out as it is. See :mod:`.server` for its API, :mod:`.tlds` for the TLD table and
:mod:`.names` for the names that are taken, transferable, slow or down.
"""

from clientvault.testregistrar.server import Config, RunningRegistrar, start

__all__ = ["Config", "RunningRegistrar", "start"]
