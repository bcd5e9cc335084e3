"""Reminder dispatch: exactly once across two nodes, no re-send and no skip after restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from signaling.calendar.reminders import InMemoryReminderClaims, ReminderClaims, fire_due
from signaling.domain.schedule import Reminder, Schedule, Slot

NOW = datetime(2030, 5, 1, 9, 0, tzinfo=UTC)
START = NOW + timedelta(days=1)


def accepted(schedule_id: str = "sch-1", start: datetime = START) -> Schedule:
    schedule, _ = Schedule.propose(
        schedule_id=schedule_id,
        thread_id=f"thr-{schedule_id}",
        parties=("client-1", "freelancer-1"),
        proposer_id="client-1",
        proposal_id="p1",
        slots=[Slot(start, 30, "video")],
        timezone="UTC",
        now=NOW,
    )
    schedule, _ = schedule.accept("freelancer-1", proposal_id="p1", slot_index=0, now=NOW)
    return schedule


class Outbox:
    def __init__(self) -> None:
        self.sent: list[Reminder] = []

    async def __call__(self, reminder: Reminder) -> None:
        await asyncio.sleep(0)  # let the other node interleave
        self.sent.append(reminder)


def test_in_memory_claims_conform() -> None:
    _: ReminderClaims = InMemoryReminderClaims()


async def test_each_reminder_fires_once_at_its_time() -> None:
    claims, outbox = InMemoryReminderClaims(), Outbox()
    schedules = [accepted()]
    ticks = [START - timedelta(minutes=m) for m in (30, 15, 14, 10, 0)] + [START]
    for tick in ticks:
        await fire_due(schedules, now=tick, claims=claims, deliver=outbox)
    assert [r.offset for r in outbox.sent] == [timedelta(minutes=15), timedelta(0)]


async def test_two_nodes_never_both_send() -> None:
    claims = InMemoryReminderClaims()  # the shared claim store (DB row / Redis key)
    node_a, node_b = Outbox(), Outbox()
    schedules = [accepted("sch-1"), accepted("sch-2", START + timedelta(minutes=5))]
    for minutes in range(-20, 10):
        tick = START + timedelta(minutes=minutes)
        await asyncio.gather(
            fire_due(schedules, now=tick, claims=claims, deliver=node_a),
            fire_due(schedules, now=tick, claims=claims, deliver=node_b),
        )
    sent = [r.key for r in node_a.sent + node_b.sent]
    assert len(sent) == len(set(sent)) == 4


async def test_restart_neither_resends_nor_skips() -> None:
    claims = InMemoryReminderClaims()  # durable: survives the restart
    before, after = Outbox(), Outbox()
    schedules = [accepted()]
    await fire_due(schedules, now=START - timedelta(minutes=15), claims=claims, deliver=before)
    # Node down from -14 min to +3 min; the "at start" reminder is late but not skipped.
    await fire_due(schedules, now=START + timedelta(minutes=3), claims=claims, deliver=after)
    await fire_due(schedules, now=START + timedelta(minutes=4), claims=claims, deliver=after)
    assert [r.offset for r in before.sent] == [timedelta(minutes=15)]
    assert [r.offset for r in after.sent] == [timedelta(0)]


async def test_downtime_over_several_reminders_sends_only_the_latest() -> None:
    claims, outbox = InMemoryReminderClaims(), Outbox()
    await fire_due([accepted()], now=START + timedelta(minutes=1), claims=claims, deliver=outbox)
    assert [r.offset for r in outbox.sent] == [timedelta(0)]
    assert len(claims.claimed) == 2  # the stale one is claimed too, so it never fires later


async def test_nothing_fires_after_the_call_ended_or_for_cancelled_schedules() -> None:
    claims, outbox = InMemoryReminderClaims(), Outbox()
    schedule = accepted()
    await fire_due([schedule], now=START + timedelta(minutes=30), claims=claims, deliver=outbox)
    cancelled, _ = schedule.cancel("client-1", now=NOW)
    await fire_due([cancelled], now=START, claims=claims, deliver=outbox)
    assert outbox.sent == []


async def test_custom_offsets() -> None:
    claims, outbox = InMemoryReminderClaims(), Outbox()
    offsets = (60,)
    await fire_due(
        [accepted()],
        now=START - timedelta(minutes=59),
        claims=claims,
        deliver=outbox,
        offsets_minutes=offsets,
    )
    assert [r.offset for r in outbox.sent] == [timedelta(hours=1)]
