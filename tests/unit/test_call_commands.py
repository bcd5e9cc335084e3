"""Typed call commands and their wire form between nodes (the Redis call router's format)."""

from __future__ import annotations

from typing import Any

import pytest

from signaling.calls.commands import (
    Accept,
    CallRef,
    Cancel,
    Candidate,
    Consent,
    Decline,
    HangUp,
    MediaFlags,
    Offer,
    from_wire,
    to_wire,
)
from signaling.errors import Unprocessable

COMMANDS: list[tuple[CallRef, str, dict[str, Any]]] = [
    (Accept("k"), "accept", {"call_id": "k"}),
    (Decline("k"), "decline", {"call_id": "k"}),
    (Cancel("k"), "cancel", {"call_id": "k"}),
    (HangUp("k"), "hangup", {"call_id": "k"}),
    (Offer("k", "v=0"), "offer", {"call_id": "k", "sdp": "v=0"}),
    (Offer("k", "v=0", restart=True), "offer", {"call_id": "k", "sdp": "v=0", "restart": True}),
    (
        Candidate("k", "candidate:1", "0", 0),
        "candidate",
        {"call_id": "k", "candidate": "candidate:1", "sdp_mid": "0", "sdp_mline_index": 0},
    ),
    (
        Candidate("k", "candidate:1"),
        "candidate",
        {"call_id": "k", "candidate": "candidate:1", "sdp_mid": None, "sdp_mline_index": None},
    ),
    (Consent("k", True), "consent", {"call_id": "k", "consent": True}),
    (
        MediaFlags("k", audio=False, video=True, screen=True),
        "media",
        {"call_id": "k", "audio": False, "video": True, "screen": True},
    ),
]


@pytest.mark.parametrize(("command", "action", "args"), COMMANDS)
def test_commands_travel_between_nodes_unchanged(
    command: CallRef, action: str, args: dict[str, Any]
) -> None:
    assert to_wire(command) == (action, args)
    assert from_wire(action, args) == command


def test_an_older_node_without_the_screen_flag_means_not_sharing() -> None:
    media = {"call_id": "k", "audio": True, "video": True}
    assert from_wire("media", media) == MediaFlags("k", True, True, screen=False)


def test_malformed_or_unknown_routed_commands_are_refused() -> None:
    with pytest.raises(Unprocessable):
        from_wire("start", {"call_id": "k"})  # a start is never routed
    with pytest.raises(Unprocessable):
        from_wire("explode", {"call_id": "k"})
    with pytest.raises(KeyError):
        from_wire("offer", {"call_id": "k"})
    with pytest.raises(KeyError):
        from_wire("accept", {})
    with pytest.raises(ValueError):
        from_wire("candidate", {"call_id": "k", "candidate": "c", "sdp_mline_index": "x"})
