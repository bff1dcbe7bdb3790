"""Fixtures for support's tests: the personas (tests/accounts/personas.py)."""

from __future__ import annotations

from tests.accounts import personas

customer = personas.customer
outsider = personas.outsider
teammate = personas.teammate
staff = personas.staff
staff_users = personas.staff_users
customer_client = personas.customer_client
teammate_client = personas.teammate_client
outsider_client = personas.outsider_client
staff_client = personas.staff_client
