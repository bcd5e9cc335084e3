from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from signaling.domain.calls import (
    Call,
    CallKind,
    CallState,
    EndReason,
    call_from_snapshot,
    call_to_snapshot,
)
from signaling.errors import Conflict, Forbidden

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ringing() -> Call:
    call, event = Call.start(
        call_id="k", thread_id="t", kind=CallKind.VIDEO, initiator_id="c", callee_id="f", now=T0
    )
    assert event.type == "call.ringing"
    return call


def connected() -> Call:
    call, _ = ringing().accept("f", at(3))
    call, _ = call.joined("c", at(3.5))
    call, _ = call.joined("f", at(3.6))
    call, ev = call.media_started("c", at(4))
    assert ev is None and call.state is CallState.ACCEPTED
    call, ev = call.media_started("f", at(4.5))
    assert ev is not None and ev.type == "call.connected"
    return call


def test_full_call_measures_ring_and_connected_time() -> None:
    call, event = connected().hangup("c", at(64.5))
    assert event.type == "call.ended" and event.data["end_reason"] == "hangup"
    record = call.record({"c->f": {"packets": 10}})
    assert record["outcome"] == "completed"
    assert record["ring_seconds"] == 3.0
    assert record["connected_seconds"] == 60.0
    assert record["participants"][0]["left_at"] == at(64.5).isoformat()
    assert record["media"] == {"c->f": {"packets": 10}}


def test_peer_lost_duration_stops_at_last_media() -> None:
    call = connected().media_seen("c", at(30)).media_seen("f", at(31))
    call, _ = call.end(EndReason.PEER_LOST, at(46))
    assert call.connected_seconds == pytest.approx(26.5)


@pytest.mark.parametrize(
    ("action", "state", "reason"),
    [
        (lambda c: c.decline("f", at(2)), CallState.DECLINED, "declined"),
        (lambda c: c.cancel("c", at(2)), CallState.CANCELLED, "cancelled"),
        (lambda c: c.ring_timeout(at(45)), CallState.MISSED, "missed"),
        (lambda c: c.hangup("c", at(2)), CallState.CANCELLED, "cancelled"),
        (lambda c: c.hangup("f", at(2)), CallState.DECLINED, "declined"),
    ],
)
def test_unanswered_outcomes_are_logged(action, state, reason) -> None:  # type: ignore[no-untyped-def]
    call, _ = action(ringing())
    assert call.state is state and call.is_final
    record = call.record()
    assert record["outcome"] == state.value and record["end_reason"] == reason
    assert record["connected_seconds"] == 0.0


def test_only_callee_accepts_and_only_caller_cancels() -> None:
    with pytest.raises(Forbidden):
        ringing().accept("c", at(1))
    with pytest.raises(Forbidden):
        ringing().cancel("f", at(1))
    with pytest.raises(Forbidden):
        ringing().accept("stranger", at(1))


def test_callee_cannot_join_before_accepting() -> None:
    with pytest.raises(Conflict):
        ringing().joined("f", at(1))
    call, ev = ringing().joined("c", at(1))
    assert ev is not None and call.presence_of("c").joined_at == at(1)


FINAL_STATES = {
    "declined": lambda: ringing().decline("f", at(1))[0],
    "cancelled": lambda: ringing().cancel("c", at(1))[0],
    "missed": lambda: ringing().ring_timeout(at(45))[0],
    "ended": lambda: connected().hangup("c", at(10))[0],
}
ACTIONS = {
    "accept": lambda c: c.accept("f", at(99)),
    "decline": lambda c: c.decline("f", at(99)),
    "cancel": lambda c: c.cancel("c", at(99)),
    "ring_timeout": lambda c: c.ring_timeout(at(99)),
    "end": lambda c: c.end(EndReason.HANGUP, at(99)),
    "hangup": lambda c: c.hangup("c", at(99)),
    "joined": lambda c: c.joined("c", at(99)),
}


@pytest.mark.parametrize("final", sorted(FINAL_STATES))
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_no_transition_leaves_a_final_state(final: str, action: str) -> None:
    call = FINAL_STATES[final]()
    with pytest.raises(Conflict):
        ACTIONS[action](call)


@pytest.mark.parametrize("action", ["accept", "decline", "cancel", "ring_timeout"])
def test_ringing_only_actions_refused_once_connected(action: str) -> None:
    with pytest.raises(Conflict):
        ACTIONS[action](connected())


def test_consultation_notice_only_when_connected() -> None:
    with pytest.raises(Conflict):
        ringing().consultation_notice(at(1))
    call, event = connected().consultation_notice(at(1800))
    assert call.consultation_notice_at == at(1800) and event.type == "call.consultation_notice"


def test_server_shutdown_closes_ringing_and_live_calls() -> None:
    a, _ = ringing().end(EndReason.SERVER_SHUTDOWN, at(5))
    b, _ = connected().end(EndReason.SERVER_SHUTDOWN, at(20))
    assert a.record()["end_reason"] == b.record()["end_reason"] == "server_shutdown"
    assert b.connected_seconds == pytest.approx(15.5)


def test_record_refused_before_end() -> None:
    with pytest.raises(Conflict):
        connected().record()


def test_consent_receipts() -> None:
    call = connected()
    call, event = call.give_consent("c", at(5), notice_version="v1")
    assert event is not None and event.type == "call.consent_given"
    assert event.data["notice_version"] == "v1" and not call.both_consented
    same, none = call.give_consent("c", at(6), notice_version="v1")
    assert none is None and same is call
    call, _ = call.give_consent("f", at(7), notice_version="v1")
    assert call.both_consented
    call, event = call.withdraw_consent("f", at(8))
    assert event is not None and event.type == "call.consent_withdrawn" and not call.both_consented
    with pytest.raises(Forbidden):
        call.give_consent("stranger", at(9), notice_version="v1")


def test_a_request_to_record_can_be_declined_and_both_see_it() -> None:
    call, _ = connected().give_consent("c", at(5), notice_version="v1")
    call, event = call.withdraw_consent("f", at(6))  # "no" to c's request
    assert event is not None and event.type == "call.consent_declined"
    assert call.state_json()["declined"] == ["f"] and call.state_json()["consent"] == ["c"]
    same, none = call.withdraw_consent("f", at(7))
    assert none is None and same is call
    # changing one's mind clears the "no"; a snapshot keeps it
    assert call_from_snapshot(call_to_snapshot(call)).declined == {"f"}
    call, _ = call.give_consent("f", at(8), notice_version="v1")
    assert call.both_consented and call.state_json()["declined"] == []
    # withdrawing later is a "no" too
    call, _ = call.withdraw_consent("c", at(9))
    assert call.state_json()["declined"] == ["c"]


def test_recording_segments_through_domain_methods() -> None:
    call = connected()
    with pytest.raises(Conflict):  # nobody consented
        call.recording_started(at(5))
    call, _ = call.give_consent("c", at(5), notice_version="v1")
    call, _ = call.give_consent("f", at(5), notice_version="v1")
    with pytest.raises(Conflict):  # not before the callee accepts
        replace(call, state=CallState.RINGING).recording_started(at(5))
    call, event = call.recording_started(at(6))
    assert event.type == "call.recording_started" and event.actor == "system"
    assert event.data == {"call_id": "k", "state": "connected", "at": at(6).isoformat()}
    assert call.recording == {
        "status": "recording",
        "started_at": at(6).isoformat(),
        "segments": [],
    }
    call, event, segment = call.recording_stopped(
        at(16), {"key": "k-1.webm", "sha256": "ab", "bytes": 9, "duration_seconds": 10.0}
    )
    assert event.type == "call.recording_stopped"
    assert event.data == {
        "call_id": "k",
        "state": "connected",
        "at": at(16).isoformat(),
        "sha256": "ab",
        "bytes": 9,
    }
    assert segment == {
        "started_at": at(6).isoformat(),
        "stopped_at": at(16).isoformat(),
        "key": "k-1.webm",
        "sha256": "ab",
        "bytes": 9,
        "duration_seconds": 10.0,
    }
    assert call.recording is not None and call.recording["status"] == "stopped"
    # a second segment keeps the first; a failed one records its error
    call, _ = call.recording_started(at(20))
    assert call.recording_segments == [segment]
    ended, _ = call.hangup("c", at(30))
    final, _, second = ended.recording_stopped(at(30), {"error": "could not be finalised"})
    assert final.recording is not None
    assert final.recording["segments"] == [segment, second]
    assert second["error"] == "could not be finalised"
    assert call_from_snapshot(call_to_snapshot(final)).recording == final.recording
    assert final.record()["recording"]["stopped_at"] == at(30).isoformat()
