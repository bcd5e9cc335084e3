"""Zoom meetings and scheduled calls from a thread: the use cases behind the REST edge.

- A Zoom link the platform creates is posted as a ``meeting`` message (its join URL is then
  exempt from the policy guard) and gets a ``calls`` row of kind ``zoom``; Zoom's webhooks turn
  into that call's record, written once when the meeting ends.
- Schedules: propose 1 to 3 slots, accept / counter / reschedule / cancel; each step is a
  ``schedule`` message and an audit entry. Reminders fire once per (schedule, start, offset)
  across nodes (a database claim written in the same transaction as its ``schedule`` message
  and ``schedule.reminder`` event), as a socket notice and, through the event outbox, a signed
  webhook to the marketplace backend (at least once; see :mod:`signaling.events`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from signaling.auth import Principal
from signaling.calendar.ics import render_ics_async
from signaling.calendar.reminders import fire_due
from signaling.domain.calls import Call
from signaling.domain.messages import SYSTEM_AUTHOR, MessageKind, NewMessage
from signaling.domain.schedule import (
    Reminder,
    Schedule,
    ScheduleState,
    Slot,
    attendance,
    validate_slots,
)
from signaling.domain.zoom_log import ZoomCallLog
from signaling.errors import Conflict, NotFound, Unprocessable
from signaling.providers.base import MeetingProvider
from signaling.providers.zoom_webhook import process_delivery
from signaling.service import ThreadService, message_json
from signaling.store.meetings import SqlMeetingStore

logger = logging.getLogger(__name__)

GRACE_MINUTES = 10  # after the start, whoever has not joined is a no-show
START_GRACE = timedelta(minutes=5)  # a meeting "now" may start a little in the past


def utcnow() -> datetime:
    return datetime.now(UTC)


class MeetingService:
    """Zoom meetings, Zoom webhooks and schedules for threads."""

    def __init__(
        self,
        threads: ThreadService,
        store: SqlMeetingStore,
        provider: MeetingProvider | None,
        *,
        public_url: str,
        webhook_secret: str = "",
        reminder_offsets: Sequence[int] = (15, 0),
        max_horizon_days: int = 366,
    ) -> None:
        self.max_horizon = timedelta(days=max_horizon_days)
        self.threads = threads
        self.store = store
        self.provider = provider
        self.public_url = public_url.rstrip("/")
        self.webhook_secret = webhook_secret
        self.reminder_offsets = tuple(reminder_offsets)

    # ------------------------------------------------------------------ zoom
    async def create_zoom(
        self,
        who: Principal,
        thread_id: str,
        *,
        topic: str | None,
        start: datetime | None,
        duration_minutes: int,
        timezone: str,
    ) -> dict[str, Any]:
        """A party creates a Zoom meeting (rate-limited; ``start`` in the future, within the
        horizon)."""
        if self.provider is None:
            raise NotFound("Zoom is not configured on this platform", code="zoom_disabled")
        await self.threads.open_thread(who, thread_id)
        if start is not None:
            now = utcnow()
            if start < now - START_GRACE:
                raise Unprocessable("the meeting start is in the past", code="start_in_past")
            if start - now > self.max_horizon:
                raise Unprocessable(
                    f"a meeting can start at most {self.max_horizon.days} days ahead",
                    code="start_too_far",
                )
        if "meeting" in self.threads.limits:
            await self.threads.limits.check("meeting", who.user_id)
        return await self._create_zoom(
            who,
            thread_id,
            topic=topic,
            start=start,
            duration_minutes=duration_minutes,
            timezone=timezone,
        )

    async def _create_zoom(
        self,
        who: Principal,
        thread_id: str,
        *,
        topic: str | None,
        start: datetime | None,
        duration_minutes: int,
        timezone: str,
    ) -> dict[str, Any]:
        if self.provider is None:
            raise NotFound("Zoom is not configured on this platform", code="zoom_disabled")
        thread = await self.threads.open_thread(who, thread_id)
        # The topic goes to Zoom and to the other party: masked like any text they see.
        shown_topic = await self.threads.shown_text(
            thread, topic or f"Interview: {thread.job_title}"
        )
        meeting = await self.provider.create_meeting(shown_topic, start, duration_minutes, timezone)
        log = ZoomCallLog(meeting_id=meeting.meeting_id)
        call_id = await self.store.create_zoom_call(
            thread_id=thread.id,
            initiator_id=who.user_id,
            meeting_id=meeting.meeting_id,
            join_url=meeting.join_url,
            log=log.to_snapshot(),
        )
        body = {
            "provider": meeting.provider,
            "meeting_id": meeting.meeting_id,
            "join_url": meeting.join_url,
            "passcode": meeting.passcode,
            "topic": shown_topic,
            "start": start.isoformat() if start else None,
            "duration_minutes": duration_minutes,
            "call_id": call_id,
            "created_by": who.user_id,
        }
        message = await self.threads.post(
            NewMessage(thread.id, SYSTEM_AUTHOR, MessageKind.MEETING, body)
        )
        # The host link starts the meeting with host rights: only the creator gets it.
        return {"message": message_json(message), "start_url": meeting.start_url, **body}

    async def zoom_webhook(self, headers: Any, raw_body: bytes) -> dict[str, Any]:
        """One Zoom webhook delivery: verified, applied idempotently, answered."""
        if not self.webhook_secret:
            raise NotFound("Zoom webhooks are not configured", code="zoom_disabled")
        delivery = process_delivery(self.webhook_secret, headers, raw_body, now=time.time())
        if delivery.response is not None:
            return dict(delivery.response)
        event = delivery.event
        if event is None:
            return {"status": "ignored"}
        row = await self.store.zoom_meeting(event.meeting_id)
        if row is None:
            logger.info(
                "Zoom event for a meeting we did not create meeting_id=%s", event.meeting_id
            )
            return {"status": "ignored"}
        log = ZoomCallLog.from_snapshot(row.log)
        updated = log.apply(event)
        if updated == log:
            return {"status": "duplicate"}
        record = None
        if updated.is_final:
            record = {**updated.to_record(), "call_id": row.call_id, "pre_contract": True}
        message = await self.store.update_zoom_log(
            event.meeting_id,
            updated.to_snapshot(),
            event={
                "event": event.event,
                "meeting_id": event.meeting_id,
                "event_ts": event.event_ts,
                "participant": event.participant_id,
            },
            record=record,
            state="ended" if updated.is_final else "in_progress",
        )
        if message is not None:
            await self.threads.notifier.to_thread(
                row.thread_id, "message:new", message_json(message)
            )
        return {"status": "applied"}

    # ------------------------------------------------------------- schedules
    @staticmethod
    def _slots(raw: Sequence[Any]) -> list[Slot]:
        return [Slot(s.start.astimezone(UTC), s.duration_minutes, s.kind) for s in raw]

    async def _publish(
        self, schedule: Schedule, event: dict[str, Any], actor: str
    ) -> dict[str, Any]:
        message = await self.store.save_schedule(schedule, event=event, actor=actor)
        await self.threads.notifier.to_thread(
            schedule.thread_id, "message:new", message_json(message)
        )
        return {"schedule": schedule.to_snapshot(), "message": message_json(message)}

    async def propose(
        self, who: Principal, thread_id: str, slots: Sequence[Any], timezone: str
    ) -> dict[str, Any]:
        thread = await self.threads.open_thread(who, thread_id)
        await self._limit(who)
        parsed = self._slots(slots)
        validate_slots(parsed, timezone, utcnow(), horizon=self.max_horizon)
        schedule, event = Schedule.propose(
            schedule_id=str(uuid.uuid4()),
            thread_id=thread.id,
            parties=thread.parties(),
            proposer_id=who.user_id,
            proposal_id=str(uuid.uuid4()),
            slots=parsed,
            timezone=timezone,
            now=utcnow(),
        )
        return await self._publish(schedule, event, who.user_id)

    async def _limit(self, who: Principal) -> None:
        if "schedule" in self.threads.limits:
            await self.threads.limits.check("schedule", who.user_id)

    async def _mine(self, who: Principal, schedule_id: str, *, open_only: bool = False) -> Schedule:
        """The schedule if ``who`` is a party of its thread; a stranger gets the same
        ``schedule_not_found`` as for an id that does not exist. ``open_only`` also requires
        the thread to be open (new proposals are refused in closed threads)."""
        schedule = await self.store.get_schedule(schedule_id)
        if open_only:
            await self.threads.open_thread(who, schedule.thread_id, kind="schedule")
        else:
            await self.threads.party_thread(who, schedule.thread_id, kind="schedule")
        return schedule

    async def accept(
        self, who: Principal, schedule_id: str, proposal_id: str, slot_index: int
    ) -> dict[str, Any]:
        schedule = await self._mine(who, schedule_id, open_only=True)
        updated, event = schedule.accept(
            who.user_id, proposal_id=proposal_id, slot_index=slot_index, now=utcnow()
        )
        result = await self._publish(updated, event, who.user_id)
        slot = updated.accepted_slot
        if slot is not None and slot.kind == "zoom" and self.provider is not None:
            await self._create_zoom(
                who,
                updated.thread_id,
                topic=None,
                start=slot.start_utc,
                duration_minutes=slot.duration_minutes,
                timezone=updated.proposal.timezone,
            )
        return result

    async def counter(
        self,
        who: Principal,
        schedule_id: str,
        proposal_id: str,
        slots: Sequence[Any],
        timezone: str,
    ) -> dict[str, Any]:
        schedule = await self._mine(who, schedule_id, open_only=True)
        await self._limit(who)
        parsed = self._slots(slots)
        validate_slots(parsed, timezone, utcnow(), horizon=self.max_horizon)
        updated, event = schedule.counter(
            who.user_id,
            proposal_id=proposal_id,
            new_proposal_id=str(uuid.uuid4()),
            slots=parsed,
            timezone=timezone,
            now=utcnow(),
        )
        return await self._publish(updated, event, who.user_id)

    async def reschedule(
        self, who: Principal, schedule_id: str, slots: Sequence[Any], timezone: str
    ) -> dict[str, Any]:
        schedule = await self._mine(who, schedule_id, open_only=True)
        await self._limit(who)
        parsed = self._slots(slots)
        validate_slots(parsed, timezone, utcnow(), horizon=self.max_horizon)
        updated, event = schedule.reschedule(
            who.user_id,
            new_proposal_id=str(uuid.uuid4()),
            slots=parsed,
            timezone=timezone,
            now=utcnow(),
        )
        return await self._publish(updated, event, who.user_id)

    async def cancel(self, who: Principal, schedule_id: str, reason: str | None) -> dict[str, Any]:
        schedule = await self._mine(who, schedule_id)
        if reason:
            thread = await self.threads.party_thread(who, schedule.thread_id)
            reason = await self.threads.shown_text(thread, reason)  # the other party sees it
        updated, event = schedule.cancel(who.user_id, now=utcnow(), reason=reason)
        return await self._publish(updated, event, who.user_id)

    async def get(self, who: Principal, schedule_id: str) -> dict[str, Any]:
        schedule = await self.store.get_schedule(schedule_id)
        await self.threads.visible_thread(who, schedule.thread_id, kind="schedule")
        return {"schedule": schedule.to_snapshot()}

    async def invite(self, who: Principal, schedule_id: str) -> bytes:
        """The ``.ics`` invite: REQUEST while accepted, CANCEL once cancelled."""
        schedule = await self._mine(who, schedule_id)
        thread = await self.threads.party_thread(who, schedule.thread_id)
        slot = schedule.accepted_slot
        if slot is None:
            raise Conflict("the schedule has no accepted time yet", code="not_accepted")
        users = await self.threads.store.get_users(thread.parties())
        names = [users[p].name if p in users else p for p in thread.parties()]
        link = f"{self.public_url}/#thread={thread.id}"
        return await render_ics_async(
            uid=f"{schedule.id}@interview-server",
            sequence=schedule.sequence,
            method="CANCEL" if schedule.state is ScheduleState.CANCELLED else "REQUEST",
            start_utc=slot.start_utc,
            duration_minutes=slot.duration_minutes,
            summary=f"{slot.kind.capitalize()} interview: {thread.job_title}",
            description="Join from the interview thread on the platform.",
            url=link,
            organizer_name=names[0],
            attendee_names=names,
        )

    async def annotate_call_record(self, call: Call, record: dict[str, Any]) -> dict[str, Any]:
        """If the call is the one a schedule set up, add its attendance (late joins with their
        delay, no-shows) to the call record."""
        for schedule in await self.store.accepted_in_thread(call.thread_id):
            slot = schedule.accepted_slot
            if slot is None:
                continue
            window_start = slot.start_utc - timedelta(minutes=15)
            if not window_start <= call.ringing_at <= slot.end_utc:
                continue
            joins = {p.user_id: p.joined_at for p in call.presence if p.joined_at is not None}
            now = max(call.ended_at or utcnow(), slot.start_utc + timedelta(minutes=GRACE_MINUTES))
            return {
                **record,
                "schedule": {
                    "schedule_id": schedule.id,
                    "start_utc": slot.start_utc.isoformat(),
                    "attendance": attendance(
                        slot.start_utc, joins, schedule.parties, now, GRACE_MINUTES
                    ),
                },
            }
        return record

    # ------------------------------------------------------------- reminders
    async def tick(self, now: datetime | None = None) -> list[Reminder]:
        """Fire the reminders due now and record attendance once the grace period is over
        (each exactly once across nodes)."""
        now = now or utcnow()
        horizon = max(self.reminder_offsets, default=0) + 1
        schedules = await self.store.accepted_between(
            now - timedelta(hours=4), now + timedelta(minutes=horizon)
        )
        fired = await fire_due(
            schedules,
            now=now,
            claims=self.store,
            deliver=self._deliver,
            offsets_minutes=self.reminder_offsets,
            claim_and_deliver=self._claim_and_deliver,
        )
        for schedule in schedules:
            await self._attendance(schedule, now)
        return fired

    async def _attendance(self, schedule: Schedule, now: datetime) -> None:
        """Ten minutes after the start, record who joined on time, late, or not at all."""
        slot = schedule.accepted_slot
        if slot is None or now < slot.start_utc + timedelta(minutes=GRACE_MINUTES):
            return
        key = f"{schedule.id}:{slot.start_utc:%Y%m%dT%H%M%SZ}:attendance"
        since = slot.start_utc - timedelta(minutes=15)
        joins = await self.store.first_joins(schedule.thread_id, since)
        result = attendance(slot.start_utc, joins, schedule.parties, now, GRACE_MINUTES)
        parts = []
        for user, item in result.items():
            if item["status"] == "late":
                parts.append(f"{user} joined {round(item['delay_seconds'] / 60)} min late")
            elif item["status"] == "no_show":
                parts.append(f"{user} did not join (no-show)")
            else:
                parts.append(f"{user} joined on time")
        body = {
            "event": "attendance",
            "schedule_id": schedule.id,
            "slot": slot.to_json(),
            "attendance": result,
            "summary": "Scheduled call: " + "; ".join(parts) + ".",
        }
        new = NewMessage(
            schedule.thread_id,
            SYSTEM_AUTHOR,
            MessageKind.SCHEDULE,
            body,
            audit={"attendance": result, "schedule_id": schedule.id},
        )
        # the claim, the message and its attendance.recorded event: one transaction
        message = await self.store.claim_and_post(key, new)
        if message is not None:
            await self.threads.notifier.to_thread(
                schedule.thread_id, "message:new", message_json(message)
            )

    @staticmethod
    def _reminder_message(reminder: Reminder) -> NewMessage:
        event = reminder.to_event()
        minutes = event["starts_in_seconds"] // 60
        text = (
            "The scheduled call starts now."
            if minutes == 0
            else (f"Reminder: the scheduled call starts in {minutes} minutes.")
        )
        body = {"event": "schedule.reminder", "summary": text, **event}
        return NewMessage(reminder.thread_id, SYSTEM_AUTHOR, MessageKind.SCHEDULE, body)

    async def _deliver(self, reminder: Reminder) -> None:
        """Post a reminder whose claim is already taken (``fire_due`` without the atomic
        path)."""
        await self.threads.post(self._reminder_message(reminder))

    async def _claim_and_deliver(self, reminder: Reminder) -> bool:
        """Claim the reminder and post its ``schedule`` message (and, through the outbox,
        its ``schedule.reminder`` event) in one transaction; then tell the thread."""
        message = await self.store.claim_and_post(reminder.key, self._reminder_message(reminder))
        if message is None:
            return False
        await self.threads.notifier.to_thread(
            reminder.thread_id, "message:new", message_json(message)
        )
        return True

    async def reminder_loop(self, every: float = 20.0) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                logger.exception("reminder tick failed")
            await asyncio.sleep(every)
