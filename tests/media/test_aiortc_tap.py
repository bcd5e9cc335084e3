"""The aiortc internals media/aiortc_tap.py relies on: these fail loudly if aiortc changes."""

from __future__ import annotations

import inspect
import queue

import aiortc
from aiortc import RTCRtpReceiver, RTCRtpSender

from media import aiortc_tap


def test_no_internal_has_changed() -> None:
    problems = aiortc_tap.check_internals()
    assert problems == [], (
        f"aiortc {aiortc.__version__} changed internals media/aiortc_tap.py needs: {problems}"
    )


def test_receiver_decoder_queue_attribute() -> None:
    receiver = RTCRtpReceiver("video", aiortc_tap._probe_transport())
    assert isinstance(getattr(receiver, "_RTCRtpReceiver__decoder_queue", None), queue.Queue), (
        "RTCRtpReceiver._RTCRtpReceiver__decoder_queue (queue.Queue) is gone: the frame tap "
        "cannot replace the decoder"
    )


def test_receiver_sends_pli_with_media_ssrc() -> None:
    method = getattr(RTCRtpReceiver, "_send_rtcp_pli", None)
    assert method is not None, "RTCRtpReceiver._send_rtcp_pli is gone: keyframe relay broken"
    assert inspect.iscoroutinefunction(method), "RTCRtpReceiver._send_rtcp_pli is no longer async"
    assert list(inspect.signature(method).parameters) == ["self", "media_ssrc"], (
        "RTCRtpReceiver._send_rtcp_pli(self, media_ssrc) changed signature"
    )


def test_sender_routes_pli_and_fir_to_send_keyframe() -> None:
    assert callable(getattr(RTCRtpSender, "_send_keyframe", None)), (
        "RTCRtpSender._send_keyframe is gone: PLI/FIR from subscribers cannot be intercepted"
    )
    source = inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    assert "RTCP_PSFB_PLI" in source and "self._send_keyframe()" in source, (
        "RTCRtpSender._handle_rtcp_packet no longer calls self._send_keyframe() on PLI"
    )


def test_sender_packs_av_packets_without_encoding() -> None:
    source = inspect.getsource(RTCRtpSender._next_encoded_frame)
    assert ".pack(" in source, (
        "RTCRtpSender._next_encoded_frame no longer re-packetizes av.Packet via encoder.pack()"
    )


def test_tap_passes_frames_to_callback_and_only_the_stop_sentinel_to_the_thread() -> None:
    from aiortc.jitterbuffer import JitterFrame

    receiver = RTCRtpReceiver("audio", aiortc_tap._probe_transport())
    seen: list[tuple[bytes, int]] = []
    aiortc_tap.install_frame_tap(receiver, lambda _c, data, ts: seen.append((data, ts)))
    assert aiortc_tap.is_tapped(receiver)
    tap = receiver._RTCRtpReceiver__decoder_queue  # type: ignore[attr-defined]
    tap.put((object(), JitterFrame(b"abc", 960)))
    assert seen == [(b"abc", 960)]
    assert tap.empty()
    tap.put(None)
    assert tap.get_nowait() is None
