"""Codec policy and bitstream facts needed to forward encoded media.

Both legs of a forwarded stream must use the same codec, because nothing is transcoded:
audio is always Opus; video is VP8 when the first party offers it (every browser does),
else H264, and later parties must offer the codec already in use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

from aiortc import RTCRtpSender, sdp
from aiortc.rtcrtpparameters import RTCRtpCodecCapability

from signaling.errors import MediaError

MediaKind = Literal["audio", "video"]

AUDIO_CODEC = "opus"
VIDEO_CODEC_PREFERENCE = ("VP8", "H264")

#: NAL unit types that start a decodable H264 picture: IDR slice, SPS.
_H264_KEY_NALS = frozenset({5, 7})


@dataclass(frozen=True)
class OfferedMedia:
    """One audio or video m-line of an offer, as far as forwarding cares."""

    kind: MediaKind
    mid: str
    codecs: tuple[str, ...]  # codec names as offered, upper case, RTX excluded


@dataclass(frozen=True)
class ParsedOffer:
    """The facts of an SDP offer that negotiation needs."""

    media: tuple[OfferedMedia, ...]
    ice_ufrag: str | None


def parse_offer(offer_sdp: str) -> ParsedOffer:
    """Parse and sanity-check an SDP offer; malformed input raises :class:`MediaError`."""
    if not isinstance(offer_sdp, str) or not offer_sdp.strip():
        raise MediaError("the SDP offer is empty", code="bad_sdp")
    if not offer_sdp.lstrip().startswith("v=0"):
        raise MediaError("the SDP offer must start with v=0", code="bad_sdp")
    try:
        description = sdp.SessionDescription.parse(offer_sdp)
    except Exception as exc:  # aiortc's parser raises whatever the bad line triggers
        raise MediaError(f"the SDP offer could not be parsed: {exc!r}", code="bad_sdp") from exc
    media: list[OfferedMedia] = []
    ufrag: str | None = None
    for m in description.media:
        if m.kind not in ("audio", "video"):
            continue
        if m.port == 0:
            continue
        if m.ice is None or not m.ice.usernameFragment or not m.ice.password:
            raise MediaError(f"the {m.kind} m-line has no ICE credentials", code="bad_sdp")
        if m.dtls is None or not m.dtls.fingerprints:
            raise MediaError(f"the {m.kind} m-line has no DTLS fingerprint", code="bad_sdp")
        ufrag = ufrag or m.ice.usernameFragment
        names = tuple(c.name.upper() for c in m.rtp.codecs if c.name.lower() != "rtx")
        media.append(
            OfferedMedia(
                kind=cast(MediaKind, m.kind), mid=m.rtp.muxId or str(len(media)), codecs=names
            )
        )
    if not media:
        raise MediaError("the SDP offer has no audio or video", code="bad_sdp")
    return ParsedOffer(media=tuple(media), ice_ufrag=ufrag)


def choose_video_codec(offered: Sequence[str], in_use: str | None) -> str:
    """The video codec for a new leg: the one already forwarded, else the preferred one."""
    if in_use is not None:
        if in_use not in offered:
            raise MediaError(
                f"the other party sends {in_use} video, which this offer does not support",
                code="no_common_codec",
            )
        return in_use
    for name in VIDEO_CODEC_PREFERENCE:
        if name in offered:
            return name
    raise MediaError(
        f"the offer has no supported video codec (need one of {', '.join(VIDEO_CODEC_PREFERENCE)})",
        code="no_common_codec",
    )


def require_audio_codec(offered: Sequence[str]) -> str:
    """Audio is always Opus (every WebRTC endpoint implements it)."""
    if AUDIO_CODEC.upper() not in offered:
        raise MediaError("the offer's audio does not support Opus", code="no_common_codec")
    return AUDIO_CODEC


def codec_preferences(kind: MediaKind, name: str) -> list[RTCRtpCodecCapability]:
    """aiortc capabilities restricting a transceiver to ``name`` (plus RTX for video)."""
    caps = RTCRtpSender.getCapabilities(kind).codecs
    chosen = [c for c in caps if c.name.lower() == name.lower()]
    if kind == "video":
        chosen += [c for c in caps if c.name.lower() == "rtx"]
    return chosen


_VP8_START_CODE = b"\x9d\x01\x2a"


def is_keyframe(codec: str, data: bytes) -> bool:
    """Whether an encoded frame can start decoding (VP8 key frame, H264 IDR/SPS)."""
    if not data:
        return False
    name = codec.upper()
    if name == "VP8":
        # RFC 6386 9.1: bit 0 of the frame tag is 0 for key frames, and the 3-byte tag is
        # followed by the start code 9d 01 2a (then width and height). The bit alone is not
        # enough: a frame assembled without its first packets (aiortc's jitter buffer starts
        # or skips mid-frame) begins with an arbitrary byte, and a recording that took it
        # for its first keyframe held a frame no decoder accepts.
        return data[0] & 0x01 == 0 and data[3:6] == _VP8_START_CODE
    if name == "H264":
        return any(nal in _H264_KEY_NALS for nal in _h264_nal_types(data))
    return True


def _h264_nal_types(data: bytes) -> list[int]:
    """NAL unit types in an Annex-B access unit (aiortc depayloads H264 to Annex-B)."""
    types: list[int] = []
    start = data.find(b"\x00\x00\x01")
    while start != -1 and start + 3 < len(data):
        types.append(data[start + 3] & 0x1F)
        start = data.find(b"\x00\x00\x01", start + 3)
    return types


def starts_frame(codec: str, payload: bytes) -> bool:
    """Whether an RTP payload is the first packet of a frame (any frame, not only a keyframe).

    VP8 (RFC 7741 4.2): the S bit is set and the partition index is 0. H264 (RFC 6184): a
    single NAL unit or STAP-A packet, or an FU-A with its start bit; an FU-A continuation
    is not. (A frame of several single-NAL packets cannot be told from its payloads alone.)
    """
    if not payload:
        return False
    name = codec.upper()
    if name == "VP8":
        return bool(payload[0] & 0x10) and not payload[0] & 0x07
    if name == "H264":
        nal = payload[0] & 0x1F
        if nal == 28:  # FU-A
            return len(payload) > 1 and bool(payload[1] & 0x80)
        return 0 < nal < 25  # single NAL unit or STAP-A
    return True


def starts_keyframe(codec: str, payload: bytes) -> bool:
    """Whether an RTP payload is the first packet of a frame that can start decoding."""
    if not payload:
        return False
    name = codec.upper()
    if name == "VP8":
        # RFC 7741 4.2: S bit and partition 0, then the optional extension bytes.
        first = payload[0]
        if not first & 0x10 or first & 0x07:
            return False
        offset = 1
        if first & 0x80:
            if len(payload) < 2:
                return False
            extension = payload[1]
            offset = 2
            if extension & 0x80:  # I: picture id, 7 or 15 bits
                if len(payload) <= offset:
                    return False
                offset += 2 if payload[offset] & 0x80 else 1
            if extension & 0x40:  # L: TL0PICIDX
                offset += 1
            if extension & 0x30:  # T or K: TID/Y/KEYIDX
                offset += 1
        return len(payload) > offset and payload[offset] & 0x01 == 0
    if name == "H264":
        nal = payload[0] & 0x1F
        if nal == 24:  # STAP-A: 2-byte sizes, then NAL units
            offset = 1
            while offset + 2 < len(payload):
                size = int.from_bytes(payload[offset : offset + 2], "big")
                if payload[offset + 2] & 0x1F in _H264_KEY_NALS:
                    return True
                offset += 2 + size
            return False
        if nal == 28:  # FU-A: the start fragment carries the NAL type
            return (
                len(payload) > 1 and bool(payload[1] & 0x80) and payload[1] & 0x1F in _H264_KEY_NALS
            )
        return nal in _H264_KEY_NALS
    return True
