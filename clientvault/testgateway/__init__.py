"""The offline test payment gateway: a small payment service provider that runs on its own origin.

It stands in for a real provider in tests, in ``make run`` and in the benchmarks: customers,
a hosted card form and a wallet approval page, SEPA bank accounts, charges and refunds with
idempotency keys, and signed webhooks. It uses the standard library only and imports neither
Django nor any other part of clientvault (``tests/billing/test_testgateway_standalone.py``), so
it could be lifted out as it is. See :mod:`.server` for its API and :mod:`.cards` for the test
numbers.
"""

from clientvault.testgateway.server import Config, RunningGateway, start

__all__ = ["Config", "RunningGateway", "start"]
