"""Recording of calls: consent, starting and stopping the recorder, and its segments.

The rule: a recorder runs exactly while both parties consent and the call is accepted or
connected (never under ``INTERVIEW_RECORDING=off``); under ``required`` no media is forwarded
before both consent. Each start/stop is a segment; each transition goes through the domain
(``Call.give_consent``, ``Call.recording_started``, ``Call.recording_stopped``) so the audit
chain gets its event, and each finished segment is posted to the thread as a ``recording``
message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from signaling.calls.active import ActiveCall
from signaling.calls.clock import Clock
from signaling.domain.calls import Call, CallEvent, CallState
from signaling.domain.messages import SYSTEM_AUTHOR, MessageKind, NewMessage
from signaling.domain.ports import CallStore, RecorderFactory
from signaling.errors import Conflict
from signaling.service import Notifier, ThreadService, message_json

logger = logging.getLogger(__name__)

Apply = Callable[[ActiveCall, Call, CallEvent | None], Awaitable[None]]
Saved = Callable[[dict[str, Any]], Coroutine[Any, Any, None]]


class RecordingController:
    """Consent and the recorder of every call on this node."""

    def __init__(
        self,
        *,
        policy: str,
        recorder_factory: RecorderFactory | None,
        store: CallStore,
        threads: ThreadService,
        notifier: Notifier,
        clock: Clock,
        apply: Apply,
        save: Callable[[Call, CallEvent], Awaitable[None]],
        background: Callable[[Coroutine[Any, Any, None]], object],
        on_saved: Saved | None = None,
        notice_version: str = "2026-11",
    ) -> None:
        self.policy = policy
        self.recorder_factory = recorder_factory
        self.store = store
        self.threads = threads
        self.notifier = notifier
        self.clock = clock
        self._apply = apply  # persist + broadcast a transition (the call service's)
        self._save = save  # persist only (the call is final and being finished)
        self._background = background
        self.on_saved = on_saved
        self.notice_version = notice_version

    def may_forward(self, call: Call) -> bool:
        """Nothing flows before the callee accepts; under 'required', not before consent."""
        if call.state not in {CallState.ACCEPTED, CallState.CONNECTED}:
            return False
        return self.policy != "required" or call.both_consented

    def check_enabled(self) -> None:
        if self.policy == "off":
            raise Conflict("recording is turned off on this server", code="recording_disabled")

    async def consent(self, active: ActiveCall, user_id: str, agree: bool) -> None:
        """A party gives or withdraws consent (a receipt on the audit chain). The caller holds
        the call's lock and then calls :meth:`sync`."""
        now = self.clock.now()
        if agree:
            call, event = active.call.give_consent(user_id, now, notice_version=self.notice_version)
        else:
            call, event = active.call.withdraw_consent(user_id, now)
        if event is not None:
            await self._apply(active, call, event)

    def wanted(self, active: ActiveCall) -> bool:
        call = active.call
        return (
            self.policy != "off"
            and call.both_consented
            and call.state in {CallState.ACCEPTED, CallState.CONNECTED}
            and active.media is not None
        )

    async def sync(self, active: ActiveCall) -> None:
        """Start or stop the recorder so it runs exactly while both parties consent."""
        wanted = self.wanted(active)
        if wanted and active.recorder is None and self.recorder_factory is not None:
            assert active.media is not None
            active.recorder = await self.recorder_factory(active.call, active.media)
            if active.recorder is None:
                return
            for user_id, flags in active.media_state.items():
                if flags.get("screen"):
                    self.screen_changed(active, user_id, True)  # sharing since before
            await self._apply(active, *active.call.recording_started(self.clock.now()))
        elif not wanted and active.recorder is not None:
            await self.stop(active, final=active.call.is_final)

    def screen_changed(self, active: ActiveCall, user_id: str, sharing: bool) -> None:
        """A party's video sender switched to a shared screen or back to the camera: the
        recorder (if it records screens) moves that party's video to the other track."""
        set_screen = getattr(active.recorder, "set_screen", None)
        if set_screen is not None:
            set_screen(user_id, sharing)

    async def stop(self, active: ActiveCall, *, final: bool) -> None:
        """Stop the recorder: the segment goes on the call (and the audit chain), the file to
        ``on_saved``, and a ``recording`` message to the thread."""
        recorder, active.recorder = active.recorder, None
        if recorder is None:
            return
        try:
            result = await recorder.stop()
        except Exception:
            logger.exception("recording failed to finalise call_id=%s", active.call.id)
            result = {"error": "the recording could not be finalised"}
        call, event, segment = active.call.recording_stopped(self.clock.now(), result)
        if final:
            active.call = call
            await self._save(call, event)
        else:
            await self._apply(active, call, event)
        if self.on_saved is not None and "key" in result:
            self._background(self.on_saved(dict(result)))
        await self.threads.post(
            NewMessage(
                call.thread_id,
                SYSTEM_AUTHOR,
                MessageKind.RECORDING,
                {
                    "call_id": call.id,
                    "started_at": segment["started_at"],
                    "stopped_at": segment["stopped_at"],
                    **{
                        k: result[k]
                        for k in ("sha256", "bytes", "duration_seconds", "key")
                        if k in result
                    },
                },
            )
        )

    async def detach(self, active: ActiveCall, now: datetime) -> None:
        """Another node closed the call (record and ``call.ended`` written): attach what we
        were recording to that record as a segment, without a second end event."""
        recorder, active.recorder = active.recorder, None
        if recorder is None:
            return
        call = active.call
        try:
            result = await recorder.stop()
        except Exception:
            logger.exception("recording failed to finalise call_id=%s", call.id)
            result = {}
        if "key" not in result:
            return
        started = (call.recording or {}).get("started_at")
        segment = {"started_at": started, "stopped_at": now.isoformat(), **result}
        attached = await self.store.add_recording_segment(call.id, segment)
        if attached is not None:
            await self.notifier.to_thread(call.thread_id, "message:new", message_json(attached[1]))
        if self.on_saved is not None:
            self._background(self.on_saved(dict(result)))
