"""Running work in parallel threads against the database, for the races PostgreSQL can show."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection, connections

T = TypeVar("T")


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers are a PostgreSQL matter; SQLite has one writer")


def in_parallel(count: int, work: Callable[[int], T]) -> list[T]:
    """``work(n)`` for n in range(count), in threads released at once, each on its own
    connections; any thread's exception fails the caller."""
    barrier = threading.Barrier(count)
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[n] = work(n)
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return [results[n] for n in range(count)]
