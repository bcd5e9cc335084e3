"""The one place that touches aiortc's private internals.

aiortc has no public API for encoded media: a receiver always hands complete frames to a
decoder thread, and a sender answers PLI/FIR only by asking its *encoder* for a keyframe,
which the ``pack()`` path for pre-encoded ``av.Packet`` s never reads. Forwarding without
transcoding therefore needs three small hooks, all per instance (no global monkey-patching,
so test peers and other sessions in the same process are unaffected):

* :func:`install_frame_tap` swaps a receiver's decoder queue for one that hands each
  reassembled encoded frame to a callback on the event loop (the jitter buffer, NACK, RTX
  and REMB stay aiortc's), and only passes the shutdown sentinel to the idle decoder thread;
* :func:`intercept_keyframe_requests` replaces a sender's ``_send_keyframe`` on the instance,
  so PLI/FIR from the far end reach us and can be relayed upstream;
* :func:`request_keyframe` sends a PLI from a receiver towards its publisher.

:func:`check_internals` lists what is missing when aiortc changes underneath; the tests in
``tests/media/test_aiortc_tap.py`` fail loudly with those messages.
"""

from __future__ import annotations

import inspect
import logging
import queue
from collections.abc import Callable
from typing import Any

from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

logger = logging.getLogger(__name__)

#: ``callback(codec, frame_data, timestamp)``; ``timestamp`` is aiortc's 0-based RTP time.
FrameCallback = Callable[[RTCRtpCodecParameters, bytes, int], None]

_DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
_RECEIVER_STARTED = "_RTCRtpReceiver__started"
_SEND_KEYFRAME = "_send_keyframe"
_SEND_PLI = "_send_rtcp_pli"
_TAPPED = "_interview_frame_tap"


class _TapQueue(queue.Queue[Any]):
    """Stands in for the decoder queue: frames go to the callback, only ``None`` to the thread.

    aiortc's ``_handle_rtp_packet`` calls ``put((codec, JitterFrame))`` on the event loop for
    every complete frame; the decoder thread blocks in ``get()`` until the ``None`` that
    aiortc puts on stop, so it costs nothing while we forward.
    """

    def __init__(self, on_frame: FrameCallback) -> None:
        super().__init__()
        self._on_frame = on_frame

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        if item is None:
            super().put(None, block, timeout)
            return
        codec, frame = item
        try:
            self._on_frame(codec, frame.data, frame.timestamp)
        except Exception:
            # A forwarding bug must not kill aiortc's receive path for this peer.
            logger.exception("frame tap callback failed")


def install_frame_tap(receiver: RTCRtpReceiver, on_frame: FrameCallback) -> None:
    """Make ``receiver`` hand encoded frames to ``on_frame`` instead of decoding them.

    Call after ``setRemoteDescription`` and before the connection starts the receiver
    (aiortc starts it in ``__connect`` once DTLS is up). Idempotent per receiver.
    """
    if getattr(receiver, _TAPPED, False):
        return
    if getattr(receiver, _RECEIVER_STARTED):
        raise RuntimeError("install_frame_tap must run before the receiver is started")
    setattr(receiver, _DECODER_QUEUE, _TapQueue(on_frame))
    setattr(receiver, _TAPPED, True)


def is_tapped(receiver: RTCRtpReceiver) -> bool:
    """Whether :func:`install_frame_tap` was applied to ``receiver``."""
    return bool(getattr(receiver, _TAPPED, False))


def intercept_keyframe_requests(sender: RTCRtpSender, on_request: Callable[[], None]) -> None:
    """Call ``on_request`` whenever the far end of ``sender`` sends PLI or FIR.

    aiortc's own handler only sets a flag for its encoder; on the pre-encoded path nobody
    reads it, so we shadow the method on this instance.
    """

    def send_keyframe() -> None:
        on_request()

    setattr(sender, _SEND_KEYFRAME, send_keyframe)


async def request_keyframe(receiver: RTCRtpReceiver, media_ssrc: int) -> None:
    """Send an RTCP PLI for ``media_ssrc`` to the peer that publishes into ``receiver``."""
    await getattr(receiver, _SEND_PLI)(media_ssrc)


def check_internals() -> list[str]:
    """Problems with the aiortc internals this module relies on; empty when all is well."""
    problems: list[str] = []
    transport = _probe_transport()
    receiver = RTCRtpReceiver("video", transport)
    decoder_queue = getattr(receiver, _DECODER_QUEUE, None)
    if not isinstance(decoder_queue, queue.Queue):
        problems.append(
            f"RTCRtpReceiver.{_DECODER_QUEUE} is {type(decoder_queue).__name__}, "
            "expected queue.Queue (frame tap point)"
        )
    if getattr(receiver, _RECEIVER_STARTED, None) is not False:
        problems.append(f"RTCRtpReceiver.{_RECEIVER_STARTED} missing or not False before start")
    handle = inspect.getsource(RTCRtpReceiver._handle_rtp_packet)
    if "__decoder_queue.put((codec, encoded_frame))" not in handle:
        problems.append(
            "RTCRtpReceiver._handle_rtp_packet no longer calls "
            "__decoder_queue.put((codec, encoded_frame)) (frame tap point)"
        )
    if not hasattr(JitterFrame(b"", 0), "data") or not hasattr(JitterFrame(b"", 0), "timestamp"):
        problems.append("aiortc.jitterbuffer.JitterFrame lost .data/.timestamp")
    pli = getattr(RTCRtpReceiver, _SEND_PLI, None)
    if pli is None or list(inspect.signature(pli).parameters) != ["self", "media_ssrc"]:
        problems.append(f"RTCRtpReceiver.{_SEND_PLI}(self, media_ssrc) missing or changed")
    keyframe = getattr(RTCRtpSender, _SEND_KEYFRAME, None)
    if keyframe is None or list(inspect.signature(keyframe).parameters) != ["self"]:
        problems.append(f"RTCRtpSender.{_SEND_KEYFRAME}(self) missing or changed")
    rtcp = inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    if "self._send_keyframe()" not in rtcp:
        problems.append(
            "RTCRtpSender._handle_rtcp_packet no longer calls self._send_keyframe() on PLI/FIR"
        )
    return problems


def _probe_transport() -> Any:
    """A minimal stand-in transport: RTCRtpReceiver only reads ``.state`` in its constructor."""

    class _Probe:
        state = "new"

    return _Probe()
