"""Fails loudly, naming the attribute, if aiortc changes the internals media/ relies on."""

from __future__ import annotations

import pytest

from media import aiortc_tap


@pytest.mark.allow_blocking  # inspect.getsource reads aiortc's source files
def test_aiortc_internals_are_where_we_tap_them() -> None:
    problems = aiortc_tap.check_internals()
    assert problems == [], "aiortc changed under media/aiortc_tap.py:\n" + "\n".join(problems)
