"""Call service: drives the call state machine from call commands, media events and timers.

One active call per thread. Every transition is saved (snapshot + audit event) and broadcast
as ``call:state``; when a call reaches a final state exactly one ``call`` message is written to
the thread (the store claims the record atomically, so a retry or a second node writes none).
Commands (``signaling.calls.commands``) run on the node that holds the call; recording is the
:class:`~signaling.calls.recording.RecordingController`'s; every timer runs on an injectable
:class:`~signaling.calls.clock.Clock`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import asdict, is_dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from signaling.auth import Principal
from signaling.calls.active import ActiveCall
from signaling.calls.clock import AsyncioClock, Clock, Timer
from signaling.calls.commands import (
    Accept,
    CallCommand,
    CallRef,
    Cancel,
    Candidate,
    Consent,
    Decline,
    HangUp,
    MediaFlags,
    Offer,
    Start,
    from_wire,
    to_wire,
)
from signaling.calls.lease import LeaseKeeper
from signaling.calls.recording import RecordingController
from signaling.domain.calls import Call, CallEvent, CallKind, CallState, EndReason
from signaling.domain.messages import SYSTEM_AUTHOR, MessageKind, NewMessage
from signaling.domain.ports import (
    CallRouter,
    CallStore,
    MediaEventLike,
    MediaSessionFactory,
    MediaSessionPort,
    NodeLeases,
    RecorderFactory,
)
from signaling.domain.threads import Role
from signaling.errors import (
    Conflict,
    InterviewError,
    PayloadTooLarge,
    RateLimited,
    Unprocessable,
    not_found,
)
from signaling.routing import InMemoryCallRouter
from signaling.service import Notifier, ThreadService, message_json

logger = logging.getLogger(__name__)

MAX_SDP_BYTES = 64 * 1024
MAX_CANDIDATE_BYTES = 1024
MAX_RESTARTS_PER_MINUTE = 5


class RemoteError(InterviewError):
    """An error returned by the node that holds the call, re-raised here unchanged."""

    def __init__(self, reply: dict[str, Any]) -> None:
        super().__init__(
            str(reply.get("reason", "the call's node refused")), code=str(reply.get("code"))
        )


class Store(CallStore, Protocol):
    """The store the call service needs: call snapshots, records and recording segments
    (threads come through the ThreadService)."""


class CallService:
    """Calls in threads: signaling, timers, media events and the single call record."""

    def __init__(
        self,
        store: Store,
        threads: ThreadService,
        notifier: Notifier,
        media_factory: MediaSessionFactory | None,
        *,
        router: CallRouter | None = None,
        recorder_factory: RecorderFactory | None = None,
        recording_policy: str = "optional",
        on_recording_saved: Callable[[dict[str, Any]], Coroutine[Any, Any, None]] | None = None,
        annotate_record: Callable[[Call, dict[str, Any]], Coroutine[Any, Any, dict[str, Any]]]
        | None = None,
        consent_notice_version: str = "2026-11",
        ring_timeout: float = 45.0,
        peer_lost_seconds: float = 15.0,
        consultation_minutes: float = 30.0,
        node_id: str = "",
        leases: NodeLeases | None = None,
        lease_seconds: float = 30.0,
        lease_renew_seconds: float = 10.0,
        clock: Clock | None = None,
    ) -> None:
        self.store = store
        self.threads = threads
        self.notifier = notifier
        self.media_factory = media_factory
        self.ring_timeout = ring_timeout
        self.peer_lost_seconds = peer_lost_seconds
        self.consultation_seconds = consultation_minutes * 60.0
        self.router: CallRouter = router or InMemoryCallRouter(node_id or "local")
        self.annotate_record = annotate_record
        self.node_id = self.router.node_id
        self.clock: Clock = clock or AsyncioClock()
        self._by_id: dict[str, ActiveCall] = {}
        self._by_thread: dict[str, str] = {}
        self._background: set[asyncio.Task[None]] = set()
        self.ended_total = 0
        self.started_total = 0
        self.recording = RecordingController(
            policy=recording_policy,
            recorder_factory=recorder_factory,
            store=store,
            threads=threads,
            notifier=notifier,
            clock=self.clock,
            apply=self._apply,
            save=self._save,
            background=lambda coro: self._spawn(None, coro),
            on_saved=on_recording_saved,
            notice_version=consent_notice_version,
        )
        self.lease = LeaseKeeper(
            calls=self,
            store=store,
            router=self.router,
            notifier=notifier,
            leases=leases,
            clock=self.clock,
            node_id=self.node_id,
            lease_seconds=lease_seconds,
            renew_seconds=lease_renew_seconds,
        )

    @property
    def recording_policy(self) -> str:
        return self.recording.policy

    # ------------------------------------------------------------------ queries
    def active_state_json(self, thread_id: str) -> dict[str, Any] | None:
        call_id = self._by_thread.get(thread_id)
        if call_id is None:
            return None
        return self._by_id[call_id].call.state_json()

    def active_calls(self) -> list[Call]:
        return [a.call for a in self._by_id.values()]

    def media_sessions(self) -> list[MediaSessionPort]:
        return [a.media for a in self._by_id.values() if a.media is not None]

    def _active(self, who: Principal, call_id: str) -> ActiveCall:
        """The active call if ``who`` is one of its parties; anyone else gets the same
        ``call_not_found`` as for an id that does not exist (no oracle for call ids)."""
        active = self._by_id.get(call_id)
        if active is None:
            raise not_found("call")
        if who.user_id not in active.call.parties():
            logger.warning(
                "call signaling refused user=%s call_id=%s thread_id=%s",
                who.user_id,
                call_id,
                active.call.thread_id,
            )
            raise not_found("call")
        return active

    # -------------------------------------------------------------- plumbing
    def _spawn(
        self, active: ActiveCall | None, coro: Coroutine[Any, Any, None]
    ) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        bucket = active.tasks if active is not None else self._background
        bucket.add(task)
        task.add_done_callback(bucket.discard)
        return task

    def _after(
        self, active: ActiveCall, delay: float, work: Callable[[], Coroutine[Any, Any, None]]
    ) -> Timer:
        """Run ``work()`` as one of the call's tasks ``delay`` seconds from now (on the clock)."""
        return Timer().arm(self.clock, delay, lambda: self._spawn(active, work()))

    async def _save(self, call: Call, event: CallEvent | None) -> None:
        await self.store.save_call(call, event=event, node_id=self.node_id)

    async def _broadcast(self, call: Call) -> None:
        payload = call.state_json()
        for user in call.parties():
            await self.notifier.to_user(user, "call:state", payload)

    async def _apply(self, active: ActiveCall, call: Call, event: CallEvent | None) -> None:
        """Persist and broadcast a transition; finish the call if it is final."""
        previous = active.call.state
        active.call = call
        await self._save(call, event)
        if call.is_final:
            await self._finish(active)
        elif call.state is not previous or event is not None:
            await self._broadcast(call)

    async def _finish(self, active: ActiveCall) -> None:
        if active.recorder is not None:
            await self.recording.stop(active, final=True)
        call = active.call
        media_summary: dict[str, Any] = {}
        if active.media is not None:
            try:
                media_summary = _jsonable(active.media.stats())
            except Exception:
                logger.exception("media stats failed call_id=%s", call.id)
            try:
                await active.media.close()
            except Exception:
                logger.exception("media close failed call_id=%s", call.id)
        active.stop_work()
        self._by_id.pop(call.id, None)
        if self._by_thread.get(call.thread_id) == call.id:
            del self._by_thread[call.thread_id]
        await self.lease.release_claim(call.thread_id, call.id, self.node_id)
        record = call.record(media_summary)
        if self.annotate_record is not None:
            try:
                record = await self.annotate_record(call, record)
            except Exception:
                logger.exception("annotating the call record failed call_id=%s", call.id)
        message = await self.store.finish_call(call, record)
        self.ended_total += 1
        if message is not None:
            await self.notifier.to_thread(call.thread_id, "message:new", message_json(message))
        await self._broadcast(call)
        logger.info(
            "call finished call_id=%s thread_id=%s state=%s reason=%s connected=%.1fs",
            call.id,
            call.thread_id,
            call.state.value,
            call.end_reason.value if call.end_reason else None,
            call.connected_seconds,
        )

    # ----------------------------------------------------------------- routing
    async def handle(self, who: Principal, command: CallCommand) -> dict[str, Any]:
        """Run a command here if this node holds the call, else on the node that does."""
        if isinstance(command, Start):
            return await self.run(who, command)
        if command.call_id not in self._by_id:
            owner = await self.router.owner(command.call_id)
            if owner is not None and owner != self.node_id:
                action, args = to_wire(command)
                reply = await self.router.forward(
                    owner,
                    {
                        "action": action,
                        "args": args,
                        "who": {"user_id": who.user_id, "name": who.name, "role": who.role.value},
                    },
                )
                if not reply.get("ok"):
                    raise RemoteError(reply)
                reply.pop("ok", None)
                return reply
        return await self.run(who, command)

    async def run(self, who: Principal, command: CallCommand) -> dict[str, Any]:
        """Run a command on this node; the reply is the ack's body (without ``ok``)."""
        match command:
            case Start(thread_id, kind):
                return {"call": (await self.start(who, thread_id, kind)).state_json()}
            case Accept(call_id):
                return {"call": (await self.accept(who, call_id)).state_json()}
            case Decline(call_id):
                return {"call": (await self.decline(who, call_id)).state_json()}
            case Cancel(call_id):
                return {"call": (await self.cancel(who, call_id)).state_json()}
            case HangUp(call_id):
                return {"call": (await self.hangup(who, call_id)).state_json()}
            case Offer(call_id, sdp, restart):
                answer = await self.offer(who, call_id, sdp, restart=restart)
                return {"sdp": answer, "type": "answer"}
            case Candidate(call_id, candidate, sdp_mid, sdp_mline_index):
                await self.candidate(who, call_id, candidate, sdp_mid, sdp_mline_index)
                return {}
            case Consent(call_id, agree):
                return {"call": (await self.consent(who, call_id, agree)).state_json()}
            case MediaFlags(call_id, audio, video, screen):
                await self.media_flags(who, call_id, audio, video, screen=screen)
                return {}

    async def handle_remote(self, request: dict[str, Any]) -> dict[str, Any]:
        """Serve a request another node forwarded to this one (the call's owner)."""
        try:
            raw = request["who"]
            who = Principal(str(raw["user_id"]), str(raw["name"]), Role(raw["role"]))
            command: CallRef = from_wire(str(request["action"]), dict(request["args"]))
            result = await self.run(who, command)
        except InterviewError as exc:
            return {**exc.to_ack(), "status": exc.status}
        except (KeyError, TypeError, ValueError):
            return {"ok": False, "code": "invalid", "reason": "malformed routed request"}
        return {"ok": True, **result}

    # ------------------------------------------------------------ user actions
    async def start(self, who: Principal, thread_id: str, kind: str) -> Call:
        thread = await self.threads.party_thread(who, thread_id)
        try:
            call_kind = CallKind(kind)
        except ValueError as exc:
            raise Unprocessable("kind must be audio or video", code="invalid") from exc
        if not thread.open_for_messages:
            raise Conflict(f"the thread is {thread.stage.value}", code="thread_closed")
        call_id = str(uuid.uuid4())
        if thread_id in self._by_thread or not await self.router.claim_thread(thread_id, call_id):
            raise Conflict("a call is already in progress in this thread", code="call_in_progress")
        call, event = Call.start(
            call_id=call_id,
            thread_id=thread_id,
            kind=call_kind,
            initiator_id=who.user_id,
            callee_id=thread.other_party(who.user_id),
            now=self.clock.now(),
            pre_contract=thread.pre_contract,
        )
        active = ActiveCall(call)
        self._by_id[call.id] = active
        self._by_thread[thread_id] = call.id
        self.started_total += 1
        await self._save(call, event)
        await self._broadcast(call)
        active.timers.add(self._after(active, self.ring_timeout, lambda: self._ring_timer(call.id)))
        logger.info("call ringing call_id=%s thread_id=%s kind=%s", call.id, thread_id, kind)
        return call

    async def _ring_timer(self, call_id: str) -> None:
        active = self._by_id.get(call_id)
        if active is None:
            return
        async with active.lock:
            if active.call.state is CallState.RINGING:
                await self._apply(active, *active.call.ring_timeout(self.clock.now()))

    async def _transition(
        self,
        who: Principal,
        call_id: str,
        action: Callable[[Call, str, datetime], tuple[Call, CallEvent]],
    ) -> Call:
        active = self._active(who, call_id)
        async with active.lock:
            call, event = action(active.call, who.user_id, self.clock.now())
            await self._apply(active, call, event)
            if not call.is_final:
                if active.media is not None:
                    active.media.set_forwarding(self.recording.may_forward(call))
                await self.recording.sync(active)
            return call

    async def accept(self, who: Principal, call_id: str) -> Call:
        return await self._transition(who, call_id, lambda c, u, t: c.accept(u, t))

    async def decline(self, who: Principal, call_id: str) -> Call:
        return await self._transition(who, call_id, lambda c, u, t: c.decline(u, t))

    async def cancel(self, who: Principal, call_id: str) -> Call:
        return await self._transition(who, call_id, lambda c, u, t: c.cancel(u, t))

    async def hangup(self, who: Principal, call_id: str) -> Call:
        return await self._transition(who, call_id, lambda c, u, t: c.hangup(u, t))

    # ---------------------------------------------------------------- signaling
    def _media(self, active: ActiveCall) -> MediaSessionPort:
        if active.media is None:
            if self.media_factory is None:
                raise Conflict("media is not available on this server", code="media_unavailable")
            call_id = active.call.id
            active.media = self.media_factory(
                call_id, lambda event: self._on_media_event(call_id, event)
            )
            # Nothing is forwarded until the callee accepted.
            active.media.set_forwarding(
                active.call.state in {CallState.ACCEPTED, CallState.CONNECTED}
            )
        return active.media

    async def offer(self, who: Principal, call_id: str, sdp: str, *, restart: bool = False) -> str:
        if len(sdp.encode()) > MAX_SDP_BYTES:
            raise PayloadTooLarge("the SDP is larger than 64 KiB", code="sdp_too_large")
        active = self._active(who, call_id)
        if restart:
            self._count_restart(active, who.user_id)
        async with active.lock:
            # A second offer from a party already in a connected call is a rejoin (reload,
            # reopened tab, ICE restart): the record counts it as an interruption.
            if active.call.presence_of(who.user_id).joined_at is not None:
                rejoin, note = active.call.interrupted(who.user_id, self.clock.now())
                if note is not None:
                    await self._apply(active, rejoin, note)
            call, event = active.call.joined(who.user_id, self.clock.now())
            media = self._media(active)
            answer = await media.negotiate(who.user_id, sdp)
            timer = active.lost_timers.pop(who.user_id, None)
            if timer is not None:
                timer.cancel()  # reconnected within the grace period: same call resumes
                logger.info("participant resumed user=%s call_id=%s", who.user_id, call_id)
            if event is not None:
                await self._apply(active, call, event)
            await self.recording.sync(active)
            return answer

    def _count_restart(self, active: ActiveCall, user_id: str) -> None:
        now = self.clock.monotonic()
        window = active.restarts.setdefault(user_id, deque())
        while window and now - window[0] > 60.0:
            window.popleft()
        if len(window) >= MAX_RESTARTS_PER_MINUTE:
            raise RateLimited(
                "at most 5 ICE restarts a minute", retry_after=60.0 - (now - window[0])
            )
        window.append(now)

    async def candidate(
        self,
        who: Principal,
        call_id: str,
        candidate: str,
        sdp_mid: str | None,
        sdp_mline_index: int | None,
    ) -> None:
        if len(candidate.encode()) > MAX_CANDIDATE_BYTES:
            raise PayloadTooLarge(
                "an ICE candidate is limited to 1 KiB", code="candidate_too_large"
            )
        active = self._active(who, call_id)
        if active.media is None:
            raise Conflict("send an offer before candidates", code="no_offer")
        await active.media.add_candidate(who.user_id, candidate, sdp_mid, sdp_mline_index)

    async def media_flags(
        self, who: Principal, call_id: str, audio: bool, video: bool, *, screen: bool = False
    ) -> None:
        """Mute / camera state, and whether the video is a shared screen, relayed to the other
        party."""
        active = self._active(who, call_id)
        before = active.media_state.get(who.user_id, {}).get("screen", False)
        active.media_state[who.user_id] = {"audio": audio, "video": video, "screen": screen}
        if screen != before:
            self.recording.screen_changed(active, who.user_id, screen)
        other = next(u for u in active.call.parties() if u != who.user_id)
        await self.notifier.to_user(
            other,
            "call:media",
            {
                "call_id": call_id,
                "user_id": who.user_id,
                "audio": audio,
                "video": video,
                "screen": screen,
            },
        )

    # --------------------------------------------------------------- recording
    async def consent(self, who: Principal, call_id: str, agree: bool) -> Call:
        """A party gives or withdraws consent to recording (a receipt on the audit chain)."""
        self.recording.check_enabled()
        active = self._active(who, call_id)
        async with active.lock:
            await self.recording.consent(active, who.user_id, agree)
            if active.media is not None:
                active.media.set_forwarding(self.recording.may_forward(active.call))
            await self.recording.sync(active)
            return active.call

    # ------------------------------------------------------------- media events
    def _on_media_event(self, call_id: str, event: MediaEventLike) -> None:
        active = self._by_id.get(call_id)
        if active is None:
            return
        _ = self._spawn(active, self._handle_media_event(call_id, event.kind, event.participant_id))

    async def _handle_media_event(self, call_id: str, kind: str, user_id: str) -> None:
        active = self._by_id.get(call_id)
        if active is None:
            return
        async with active.lock:
            if active.call.is_final:
                return
            now = self.clock.now()
            if kind == "media_started":
                call, event = active.call.media_started(user_id, now)
                await self._apply(active, call, event)
                call, back = active.call.resumed(user_id, now)
                if back is not None:
                    await self._apply(active, call, back)
                if call.state is CallState.CONNECTED and event is not None and call.pre_contract:
                    active.timers.add(
                        self._after(
                            active,
                            self.consultation_seconds,
                            lambda: self._consultation_timer(call_id),
                        )
                    )
            elif kind in {"disconnected", "failed", "media_stopped"}:
                active.call = active.call.media_seen(user_id, now)
                call, gone = active.call.interrupted(user_id, now)
                if gone is not None:
                    await self._apply(active, call, gone)
                if user_id not in active.lost_timers:
                    reason = EndReason.FAILED if kind == "failed" else EndReason.PEER_LOST
                    active.lost_timers[user_id] = self._after(
                        active,
                        self.peer_lost_seconds,
                        lambda: self._lost_timer(call_id, user_id, reason),
                    )

    async def _lost_timer(self, call_id: str, user_id: str, reason: EndReason) -> None:
        active = self._by_id.get(call_id)
        if active is None:
            return
        async with active.lock:
            active.lost_timers.pop(user_id, None)
            if active.call.is_final:
                return
            logger.info("peer lost user=%s call_id=%s reason=%s", user_id, call_id, reason.value)
            if active.call.state is CallState.RINGING:
                call, event = active.call.cancel(active.call.initiator_id, self.clock.now())
            else:
                call, event = active.call.end(reason, self.clock.now())
            await self._apply(active, call, event)

    async def _consultation_timer(self, call_id: str) -> None:
        active = self._by_id.get(call_id)
        if active is None:
            return
        async with active.lock:
            if active.call.state is not CallState.CONNECTED:
                return
            call, event = active.call.consultation_notice(self.clock.now())
            await self._apply(active, call, event)
        minutes = round(self.consultation_seconds / 60)
        notice = (
            f"This interview has run for {minutes} minutes. An interview is not free "
            "consultation: if the conversation has become work, continue it under a contract."
        )
        await self.threads.post(
            NewMessage(
                call.thread_id,
                SYSTEM_AUTHOR,
                MessageKind.POLICY,
                {
                    "action": "notice",
                    "labels": ["consultation"],
                    "notice": notice,
                    "call_id": call_id,
                },
            )
        )
        for user in call.parties():
            await self.notifier.to_user(user, "call:notice", {"call_id": call_id, "notice": notice})

    # -------------------------------------------------------------- lifecycle
    async def start_lease(self) -> None:
        """Take this node's lease (before any call is served or recovered)."""
        await self.lease.start_lease()

    async def recover(self) -> int:
        """At start-up, close the calls a previous process left open (see ``LeaseKeeper``)."""
        return await self.lease.recover()

    def start_background(self) -> None:
        """Renew the lease and the claims, and sweep orphans, every renewal period."""
        self.lease.start()

    async def renew_once(self) -> None:
        """One renewal of the lease and claims, then an orphan sweep."""
        await self.lease.renew_once()

    async def sweep(self) -> int:
        """Close the calls of nodes whose lease expired; how many this node closed."""
        return await self.lease.sweep()

    def held(self) -> list[ActiveCall]:
        return list(self._by_id.values())

    async def end_held(self, active: ActiveCall) -> None:
        """End a live call as ``server_shutdown``; the caller holds its lock."""
        if active.call.is_final:
            return
        try:
            call, event = active.call.end(EndReason.SERVER_SHUTDOWN, self.clock.now())
        except InterviewError:
            return
        await self._apply(active, call, event)

    async def drop_swept(self, active: ActiveCall) -> None:
        """Another node closed this call (record and ``call.ended`` written) while our lease
        had lapsed: attach what we were recording to that record, tell the parties, and let
        go of the call here without a second record or end event."""
        call = active.call
        now = self.clock.now()
        await self.recording.detach(active, now)
        if active.media is not None:
            try:
                await active.media.close()
            except Exception:
                logger.exception("media close failed call_id=%s", call.id)
        active.stop_work()
        self._by_id.pop(call.id, None)
        if self._by_thread.get(call.thread_id) == call.id:
            del self._by_thread[call.thread_id]
        try:
            active.call, _ = call.end(EndReason.SERVER_SHUTDOWN, now)
        except InterviewError:
            return
        await self._broadcast(active.call)
        logger.warning("dropped a call another node closed call_id=%s", call.id)

    async def shutdown(self) -> None:
        """End every live call as server_shutdown (graceful stop)."""
        self.lease.stop()
        for active in self.held():
            async with active.lock:
                await self.end_held(active)
        for task in list(self._background):
            task.cancel()

    def ring_deadline(self, call: Call) -> datetime:
        return call.ringing_at + timedelta(seconds=self.ring_timeout)


def _jsonable(value: Any) -> dict[str, Any]:
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, dict):
        return {str(k): _jsonable_value(v) for k, v in value.items()}
    return {"value": _jsonable_value(value)}


def _jsonable_value(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable_value(asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable_value(v) for v in value]
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
