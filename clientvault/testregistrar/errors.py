"""A refusal of the test registrar: an HTTP status, a stable code and one sentence.

The sentence names the field or the problem but never repeats a value that was sent.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def unavailable() -> ApiError:
    return ApiError(503, "unavailable", "The registry is not answering; try again later.")


def not_found() -> ApiError:
    return ApiError(404, "not_found", "This registrar holds no such domain.")
