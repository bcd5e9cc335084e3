"""Firing schedule reminders exactly once across server nodes and restarts.

A periodic task on every node calls :func:`fire_due` with the accepted schedules. Each due
reminder is *claimed* through a :class:`ReminderClaims` port before it is sent; the claim
succeeds for one caller only, ever (a unique row in the database, or Redis ``SET NX``), so
two nodes, or a node and its restarted self, never both send it.

* No re-send after a restart: claims are durable, so a claimed reminder stays claimed.
* No skip after a restart: a reminder whose time passed while no node was running is still
  due until the call ends, and the next tick claims and sends it.
* When downtime made several reminders of one call due at once (15 min and "now"), all are
  claimed but only the latest is sent: one up-to-date notice rather than a stale one.

With ``claim_and_deliver`` (what the server uses) the reminder that is sent is claimed and
delivered in one step: the server writes the claim, the reminder's ``schedule`` message and
its ``schedule.reminder`` event in one database transaction, so a crash leaves either all of
them or none (and the next tick sends it). The event then reaches the marketplace through the
event outbox, at least once (see :mod:`signaling.events`). Without it, delivery happens after
the claim, and a crash between the two loses that reminder (at most once).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from signaling.domain.schedule import (
    DEFAULT_REMINDER_OFFSETS_MINUTES,
    Reminder,
    Schedule,
    due_reminders,
    reminders_for,
)

logger = logging.getLogger(__name__)


class ReminderClaims(Protocol):
    """Durable, cluster-wide "who sends this reminder" decisions."""

    async def claim(self, key: str) -> bool:
        """True for exactly one caller per ``key``, across nodes and restarts."""
        ...


@dataclass
class InMemoryReminderClaims:
    """Claims for one process (tests, single-node dev)."""

    claimed: set[str] = field(default_factory=set)

    async def claim(self, key: str) -> bool:
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True


async def fire_due(
    schedules: Iterable[Schedule],
    *,
    now: datetime,
    claims: ReminderClaims,
    deliver: Callable[[Reminder], Awaitable[None]],
    offsets_minutes: Iterable[int] = DEFAULT_REMINDER_OFFSETS_MINUTES,
    claim_and_deliver: Callable[[Reminder], Awaitable[bool]] | None = None,
) -> list[Reminder]:
    """Claim and deliver the reminders due at ``now``; returns those this call delivered.

    ``offsets_minutes`` is ``Settings.reminder_offsets_minutes`` (minutes before the start).
    ``claim_and_deliver`` claims and delivers the reminder that is sent atomically (True if
    this caller won the claim); superseded ones are still only claimed through ``claims``.
    """
    offsets = tuple(offsets_minutes)
    sent: list[Reminder] = []
    for schedule in schedules:
        due = due_reminders(reminders_for(schedule, offsets), now)
        if not due:
            continue
        latest = due[-1]
        for reminder in due:
            if reminder is latest and claim_and_deliver is not None:
                if await claim_and_deliver(reminder):
                    logger.info("reminder %s of thread %s fires", reminder.key, schedule.thread_id)
                    sent.append(reminder)
                continue
            if not await claims.claim(reminder.key):
                continue
            if reminder is not latest:
                logger.info(
                    "reminder %s of thread %s superseded by a later one; not sent",
                    reminder.key, schedule.thread_id,
                )  # fmt: skip
                continue
            logger.info("reminder %s of thread %s fires", reminder.key, schedule.thread_id)
            await deliver(reminder)
            sent.append(reminder)
    return sent
