"""Security tests reuse the API harness (the real app on SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.api.conftest import harness, make_harness

__all__ = ["harness", "make_harness"]
