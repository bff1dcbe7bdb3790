"""The plumbing the local test servers share: a small JSON API over HTTP, its state in SQLite.

The test payment gateway, the test control panel and the test registrar each stand for an outside
system; this package holds what they have in common and nothing of any of them. It uses the
standard library only and imports neither Django nor any other part of clientvault, so a test
server that uses it stays standalone.

- :mod:`.store`: :class:`~.store.SqliteStore`, one SQLite file written by one connection under a
  lock, and the answers remembered for requests that carried an ``Idempotency-Key``.
- :mod:`.server`: :class:`~.server.ApiError`, :class:`~.server.Answer`,
  :class:`~.server.LocalServer` and :class:`~.server.JsonHandler` (bearer key, JSON bodies with
  a size limit, JSON answers, Idempotency-Key replay, one log line per request without its path
  or body).
- :mod:`.running`: starting a server in a background thread (tests) or until a signal (the
  command line), with its state in a temporary directory unless told where.
"""
