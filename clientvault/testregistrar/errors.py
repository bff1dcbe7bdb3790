"""A refusal of the test registrar: an HTTP status, a stable code and one sentence.

The sentence names the field or the problem but never repeats a value that was sent.
"""

from __future__ import annotations

from clientvault.localserver.server import ApiError

__all__ = ["ApiError", "not_found", "unavailable"]


def unavailable() -> ApiError:
    return ApiError(503, "unavailable", "The registry is not answering; try again later.")


def not_found() -> ApiError:
    return ApiError(404, "not_found", "This registrar holds no such domain.")
