"""RTP timestamps onto the file clock: anchoring, gaps, wraparound, late and duplicate frames."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from recording.timeline import RTP_WRAP, TrackClock


def test_first_packet_is_anchored_at_its_arrival() -> None:
    clock = TrackClock(90000)
    assert clock.place(123_456, 2.5).ms == 2500
    assert clock.place(123_456 + 3000, 2.6).ms == 2533  # RTP time, not arrival time


def test_a_gap_in_rtp_time_stays_a_gap() -> None:
    clock = TrackClock(48000)
    assert clock.place(0, 0.0).ms == 0
    assert clock.place(960, 0.02).ms == 20
    assert clock.place(960 + 48000 * 3, 3.02).ms == 3020


def test_jitter_in_arrival_does_not_move_media() -> None:
    clock = TrackClock(48000)
    clock.place(0, 1.0)
    assert clock.place(960 * 10, 1.9).ms == 1200  # arrived 700 ms late: still at 1.2 s


def test_wraparound() -> None:
    clock = TrackClock(90000)
    start = RTP_WRAP - 4500
    assert clock.place(start, 0.0).ms == 0
    assert clock.place((start + 3000) % RTP_WRAP, 0.033).ms == 33
    assert clock.place((start + 6000) % RTP_WRAP, 0.066).ms == 66  # past 2^32
    assert clock.place((start + 9000) % RTP_WRAP, 0.1).ms == 100


def test_late_and_duplicate_packets_are_dropped() -> None:
    clock = TrackClock(90000)
    clock.place(9000, 0.0)
    assert clock.place(12000, 0.033).ms == 33
    assert clock.place(12000, 0.034).reason == "duplicate"
    assert clock.place(10000, 0.035).reason == "late"
    assert clock.place(15000, 0.066).ms == 66


def test_late_across_a_wrap_is_dropped_not_a_jump() -> None:
    clock = TrackClock(90000)
    clock.place(100, 0.0)
    assert clock.place(RTP_WRAP - 2000, 0.01).reason == "late"


def test_rounding_collisions_are_nudged_to_increase() -> None:
    clock = TrackClock(90000)
    clock.place(0, 0.0)
    assert clock.place(45, 0.001).ms == 1  # 0.5 ms rounds to 0: nudged past the last


def test_a_new_rtp_timeline_is_reanchored_on_arrival() -> None:
    clock = TrackClock(48000)
    clock.place(1_000_000, 0.0)
    clock.place(1_000_960, 0.02)
    placed = clock.place(7, 30.0)  # the publisher reconnected with a fresh random base
    assert placed.resynced and placed.ms == 30_000
    assert clock.place(7 + 960, 30.02).ms == 30_020
    assert clock.resyncs == 1


@given(
    start=st.integers(0, RTP_WRAP - 1),
    steps=st.lists(st.integers(1, 90000), min_size=1, max_size=200),
    anchor=st.floats(0, 3600),
)
def test_placement_follows_unwrapped_rtp_time(start: int, steps: list[int], anchor: float) -> None:
    clock = TrackClock(90000)
    first = clock.place(start, anchor).ms
    assert first is not None
    ticks = 0
    last = first
    for step in steps:
        ticks += step
        placed = clock.place((start + ticks) % RTP_WRAP, anchor + ticks / 90000)
        assert placed.ms is not None and placed.ms > last
        assert abs(placed.ms - (first + ticks * 1000 // 90000)) <= len(steps)
        last = placed.ms
