"""Deployment tests reuse the API harness (a real app on SQLite and PostgreSQL)."""

from tests.api.conftest import harness, make_harness

__all__ = ["harness", "make_harness"]
