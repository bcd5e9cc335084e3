"""Wires the remux writer to calls: the signaling layer's RecorderFactory."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from recording.naming import container_for, segment_key
from recording.storage import RecordingStorage
from recording.writer import CallRecorder, Codec, TrackSpec
from signaling.domain.calls import Call, CallKind
from signaling.domain.ports import CallRecording, MediaSessionPort, RecorderFactory

logger = logging.getLogger(__name__)

_CODECS: dict[str, Codec] = {"vp8": "vp8", "h264": "h264", "opus": "opus"}


class _Attached:
    """A recorder attached to a media session as a sink; detached when stopped. A finished
    file is stored under its key (uploaded, when the storage is a bucket, and the local spool
    copy removed)."""

    def __init__(
        self, recorder: CallRecorder, media: Any, storage: RecordingStorage | None = None
    ) -> None:
        self.recorder = recorder
        self.media = media
        self.storage = storage

    def set_screen(self, participant_id: str, sharing: bool) -> None:
        """The party's video sender now carries a shared screen (or the camera again)."""
        self.recorder.set_screen(participant_id, sharing)

    async def stop(self) -> dict[str, Any]:
        remove = getattr(self.media, "remove_sink", None)
        if remove is not None:
            remove(self.recorder)
        result = await self.recorder.stop()
        record = result.to_record()
        storage, key = self.storage, result.path.name
        if storage is not None and storage.local_path(key) != result.path:
            try:
                await asyncio.to_thread(storage.adopt, key, result.path, sha256=result.sha256)
            except Exception:
                # hashed and attached all the same; the file waits in the spool and is stored
                # by the next start-up (recording.storage.flush_spool)
                logger.exception("storing the recording failed; it stays in the spool key=%s", key)
                return record
            record["path"] = storage.location(key)
            logger.info("recording stored key=%s at %s", key, record["path"])
        return record


def negotiated_video_codec(media: MediaSessionPort, participant_id: str) -> Codec:
    """The codec a participant publishes video in, per the media stats (VP8 if unknown)."""
    try:
        stats = media.stats()
        stream = stats[participant_id].stream("video", "inbound")
        name = (stream.codec or "").lower().rsplit("/", 1)[-1]
    except (AttributeError, KeyError, TypeError):
        return "vp8"
    return _CODECS.get(name, "vp8")


def call_tracks(call: Call, media: MediaSessionPort) -> list[TrackSpec]:
    """One audio track per party, and on a video call one camera video track and one screen
    track per party (the screen track stays empty unless the party shares a screen)."""
    tracks = [TrackSpec(p, "audio", "opus") for p in call.parties()]
    if call.kind is CallKind.VIDEO:
        codecs = {p: negotiated_video_codec(media, p) for p in call.parties()}
        tracks += [TrackSpec(p, "video", codecs[p]) for p in call.parties()]
        tracks += [TrackSpec(p, "screen", codecs[p]) for p in call.parties()]
    return tracks


def make_recorder_factory(
    root: Path, *, keyframe_retry: float = 0.5, storage: RecordingStorage | None = None
) -> RecorderFactory:
    """Recordings of each call go to ``root/<call id>-<n>.webm`` (a new file per segment),
    then into ``storage`` (nothing to do when it is the local directory ``root``).

    ``keyframe_retry``: seconds between keyframe requests while a video track waits for one.
    """
    counters: dict[str, int] = {}

    async def factory(call: Call, media: MediaSessionPort) -> CallRecording | None:
        add_sink = getattr(media, "add_sink", None)
        if add_sink is None:
            logger.warning("media session cannot be tapped; not recording call_id=%s", call.id)
            return None
        counters[call.id] = counters.get(call.id, 0) + 1
        tracks = call_tracks(call, media)
        container = container_for({t.codec for t in tracks})
        recorder = CallRecorder(
            root / segment_key(call.id, counters[call.id], container),
            call_id=call.id,
            tracks=tracks,
            # A recording starts mid-stream: its video tracks need keyframes, asked by PLI.
            request_keyframe=getattr(media, "request_keyframe", None),
            keyframe_retry=keyframe_retry,
        )
        await recorder.start()
        add_sink(recorder)
        logger.info("recording started call_id=%s thread_id=%s", call.id, call.thread_id)
        return _Attached(recorder, media, storage)

    return factory
