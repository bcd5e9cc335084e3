"""A small progressive Matroska/WebM muxer for already-encoded frames.

Why not libavformat's muxer: its interleaver never gives up waiting for a VP8/VP9 stream
that has no packet buffered (``max_interleave_delta`` is not applied to them), so a camera
that is off (or never on) would hold the whole call in memory until the file is closed, and
a killed process would leave a header and nothing else. Here the caller already delivers
frames in arrival order, so interleaving is just a sort within each cluster.

Layout: EBML header; a Segment of unknown size; a reserved space for the SeekHead; Info
(with a reserved space for Duration); Tracks, and a reserved space after it for tracks announced
later (a screen shared mid-call: ``announce``); then one Cluster (known size) at most
``cluster_ms`` of media long, written and flushed to the OS as soon as it closes. ``finish``
adds Cues and fills in the Segment size, Duration and SeekHead. A file cut off anywhere after
the Tracks plays up to its last complete cluster.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import BinaryIO, Literal

# Element IDs (Matroska spec), with their marker bits, as written.
EBML = b"\x1a\x45\xdf\xa3"
SEGMENT = b"\x18\x53\x80\x67"
SEEK_HEAD = b"\x11\x4d\x9b\x74"
SEEK = b"\x4d\xbb"
SEEK_ID = b"\x53\xab"
SEEK_POSITION = b"\x53\xac"
VOID = b"\xec"
INFO = b"\x15\x49\xa9\x66"
TRACKS = b"\x16\x54\xae\x6b"
CLUSTER = b"\x1f\x43\xb6\x75"
CUES = b"\x1c\x53\xbb\x6b"
UNKNOWN_SIZE = b"\x01\xff\xff\xff\xff\xff\xff\xff"

_SEEKHEAD_SPACE = 96
_DURATION_SPACE = 11  # ID (2) + size (1) + float64 (8)
_TRACKS_SPACE = 400  # room for tracks announced after the header (a TrackEntry is ~60 bytes)
_INT16 = range(-32768, 32768)


def vint(value: int) -> bytes:
    """An EBML variable-size integer (element sizes), shortest form."""
    for length in range(1, 9):
        if value < (1 << (7 * length)) - 1:
            return (value | (1 << (7 * length))).to_bytes(length, "big")
    raise ValueError("EBML size too large")


def element(element_id: bytes, payload: bytes) -> bytes:
    """One element: ID, size, payload."""
    return element_id + vint(len(payload)) + payload


def uint(element_id: bytes, value: int) -> bytes:
    """An unsigned-integer element."""
    return element(element_id, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def text(element_id: bytes, value: str) -> bytes:
    """A string element (UTF-8)."""
    return element(element_id, value.encode())


def float64(element_id: bytes, value: float) -> bytes:
    """A float element (8 bytes)."""
    return element(element_id, struct.pack(">d", value))


def void(size: int) -> bytes:
    """A Void element occupying exactly ``size`` bytes (size >= 2)."""
    if size < 2:
        raise ValueError("a Void element needs at least 2 bytes")
    if size - 2 < 127:
        return VOID + vint(size - 2) + b"\x00" * (size - 2)
    return VOID + (size - 9 | 1 << 56).to_bytes(8, "big") + b"\x00" * (size - 9)


def _u16(element_id: bytes, value: int) -> bytes:
    return element(element_id, min(max(value, 0), 0xFFFF).to_bytes(2, "big"))


def opus_head(channels: int, sample_rate: int) -> bytes:
    """Opus ID header (RFC 7845 §5.1) as Matroska CodecPrivate; no pre-skip (RTP has none)."""
    return b"OpusHead" + struct.pack("<BBHIhB", 1, channels, 0, sample_rate, 0, 0)


@dataclass(frozen=True)
class MkvTrack:
    """One TrackEntry."""

    number: int
    kind: Literal["audio", "video"]
    codec_id: str  # V_VP8, A_OPUS, V_MPEG4/ISO/AVC
    name: str
    codec_private: bytes = b""
    width: int = 0
    height: int = 0
    sample_rate: int = 48000
    channels: int = 2

    def entry(self) -> bytes:
        """The TrackEntry element."""
        body = (
            uint(b"\xd7", self.number)
            + uint(b"\x73\xc5", 0x1000 + self.number)  # TrackUID
            + uint(b"\x83", 1 if self.kind == "video" else 2)
            + uint(b"\x9c", 0)  # FlagLacing: one frame per block
            + text(b"\x22\xb5\x9c", "und")
            + text(b"\x53\x6e", self.name)
            + text(b"\x86", self.codec_id)
        )
        if self.codec_private:
            body += element(b"\x63\xa2", self.codec_private)
        if self.kind == "video":
            # Fixed 2-byte sizes, last in the entry: MatroskaWriter.set_video_size patches them.
            body += element(b"\xe0", _u16(b"\xb0", self.width) + _u16(b"\xba", self.height))
        else:
            if self.codec_id == "A_OPUS":
                body += uint(b"\x56\xaa", 0)  # CodecDelay
                body += uint(b"\x56\xbb", 80_000_000)  # SeekPreRoll, as WebM asks for Opus
            body += element(
                b"\xe1", float64(b"\xb5", float(self.sample_rate)) + uint(b"\x9f", self.channels)
            )
        return element(b"\xae", body)


@dataclass
class _Cluster:
    blocks: list[tuple[int, int, int, bytes, bool]] = field(default_factory=list)
    first_ms: int = 0
    last_ms: int = 0


class MatroskaWriter:
    """Writes Matroska progressively to ``fh`` (a seekable binary file)."""

    def __init__(
        self,
        fh: BinaryIO,
        tracks: list[MkvTrack],
        *,
        doc_type: Literal["webm", "matroska"],
        title: str = "",
        cluster_ms: int = 1000,
        later: frozenset[int] = frozenset(),
    ) -> None:
        """``tracks`` are numbered 1..n in order; those numbered in ``later`` are left out of
        the header until :meth:`announce` (a track that may never get a frame)."""
        self._fh = fh
        self._tracks = tracks
        self._announced = [t.number for t in tracks if t.number not in later]
        self._tracks_at = 0  # file offset of the Tracks element
        self._tracks_space = 0  # bytes of Tracks plus the Void after it
        self._doc_type = doc_type
        self._title = title
        self._cluster_ms = cluster_ms
        self._cluster: _Cluster | None = None
        self._cues: list[tuple[int, int, int]] = []  # (ms, track, cluster offset)
        self._segment_data = 0  # file offset where the Segment's payload starts
        self._offsets: dict[bytes, int] = {}
        self._duration_at = 0
        self._video_size_at: dict[int, int] = {}  # track number -> file offset of its size
        self._seq = 0
        self._clusters = 0
        self.last_ms = 0

    def write_header(self) -> None:
        """EBML header, Segment start, Info and Tracks; flushed."""
        fh = self._fh
        fh.write(
            element(
                EBML,
                uint(b"\x42\x86", 1)
                + uint(b"\x42\xf7", 1)
                + uint(b"\x42\xf2", 4)
                + uint(b"\x42\xf3", 8)
                + text(b"\x42\x82", self._doc_type)
                + uint(b"\x42\x87", 4)
                + uint(b"\x42\x85", 2),
            )
        )
        fh.write(SEGMENT + UNKNOWN_SIZE)
        self._segment_data = fh.tell()
        fh.write(void(_SEEKHEAD_SPACE))
        self._offsets[INFO] = fh.tell() - self._segment_data
        info = (
            uint(b"\x2a\xd7\xb1", 1_000_000)  # TimestampScale: milliseconds
            + text(b"\x4d\x80", "interview-server")
            + text(b"\x57\x41", "interview-server recording")
        )
        if self._title:
            info += text(b"\x7b\xa9", self._title)
        # Duration is known only at the end; until then a Void holds its place.
        info_head = INFO + vint(len(info) + _DURATION_SPACE)
        fh.write(info_head + info)
        self._duration_at = fh.tell()
        fh.write(void(_DURATION_SPACE))
        self._offsets[TRACKS] = fh.tell() - self._segment_data
        self._tracks_at = fh.tell()
        tracks = self._tracks_element()
        self._tracks_space = len(tracks) + _TRACKS_SPACE
        fh.write(tracks + void(_TRACKS_SPACE))
        fh.flush()

    def _tracks_element(self) -> bytes:
        """The Tracks element of the announced tracks; notes where each picture size is."""
        entries = [(t, t.entry()) for t in self._tracks if t.number in self._announced]
        tracks = element(TRACKS, b"".join(e for _, e in entries))
        at = self._tracks_at + len(tracks) - sum(len(e) for _, e in entries)
        for track, entry in entries:
            at += len(entry)
            if track.kind == "video":
                self._video_size_at[track.number] = at - 8  # PixelWidth's ID, then PixelHeight
        return tracks

    def announced(self, track: int) -> bool:
        """Whether the header lists ``track``."""
        return track in self._announced

    def announce(self, track: MkvTrack) -> bool:
        """Add ``track`` (one of the constructor's, by number, now with its real size) to the
        header already written, in the space reserved after Tracks; False if it is full."""
        if track.number in self._announced:
            return True
        self._tracks[track.number - 1] = track
        self._announced.append(track.number)
        tracks = self._tracks_element()
        room = self._tracks_space - len(tracks)
        if room != 0 and room < 2:
            self._announced.remove(track.number)
            self._tracks_element()
            return False
        fh = self._fh
        end = fh.tell()
        fh.seek(self._tracks_at)
        fh.write(tracks + (void(room) if room else b""))
        fh.seek(end)
        fh.flush()
        return True

    def set_video_size(self, track: int, width: int, height: int) -> None:
        """Rewrite a video track's PixelWidth/PixelHeight in the header already written (a
        track whose first picture came after the header: a screen shared mid-call)."""
        at = self._video_size_at.get(track)
        if at is None or not (0 < width <= 0xFFFF and 0 < height <= 0xFFFF):
            return
        fh = self._fh
        end = fh.tell()
        fh.seek(at)
        fh.write(_u16(b"\xb0", width) + _u16(b"\xba", height))
        fh.seek(end)
        fh.flush()

    def add(self, track: int, ms: int, data: bytes, keyframe: bool) -> None:
        """Queue one frame at ``ms``; closes the current cluster when it is full."""
        cluster = self._cluster
        if cluster is not None and (
            ms - cluster.first_ms >= self._cluster_ms or ms - cluster.first_ms not in _INT16
        ):
            self.close_cluster()
            cluster = None
        if cluster is None:
            cluster = self._cluster = _Cluster(first_ms=ms, last_ms=ms)
        self._seq += 1
        cluster.blocks.append((ms, self._seq, track, data, keyframe))
        cluster.last_ms = max(cluster.last_ms, ms)
        self.last_ms = max(self.last_ms, ms)

    def close_cluster(self) -> None:
        """Write the open cluster (blocks in time order) and flush it to the OS."""
        cluster, self._cluster = self._cluster, None
        if cluster is None or not cluster.blocks:
            return
        cluster.blocks.sort()
        base = cluster.blocks[0][0]
        if cluster.last_ms - base not in _INT16:
            # Never happens with increasing input; split rather than overflow the int16.
            head = [b for b in cluster.blocks if b[0] - base in _INT16]
            tail = [b for b in cluster.blocks if b[0] - base not in _INT16]
            self._write_cluster(head)
            self._write_cluster(tail)
            return
        self._write_cluster(cluster.blocks)

    def _write_cluster(self, blocks: list[tuple[int, int, int, bytes, bool]]) -> None:
        base = blocks[0][0]
        offset = self._fh.tell() - self._segment_data
        parts = [uint(b"\xe7", base)]
        cued: set[int] = set()
        for ms, _, track, data, keyframe in blocks:
            header = vint(track) + struct.pack(">hB", ms - base, 0x80 if keyframe else 0)
            parts.append(b"\xa3" + vint(len(header) + len(data)) + header + data)
            if keyframe and track not in cued and self._cue_track(track):
                cued.add(track)
                self._cues.append((ms, track, offset))
        self._fh.write(element(CLUSTER, b"".join(parts)))
        self._fh.flush()
        self._clusters += 1

    def _cue_track(self, track: int) -> bool:
        # Cue video keyframes; with no video at all, cue the first track at each cluster.
        if any(t.kind == "video" for t in self._tracks):
            return self._tracks[track - 1].kind == "video"
        return track == 1

    def finish(self) -> None:
        """Close the last cluster, write Cues, fill in Duration, SeekHead and Segment size."""
        self.close_cluster()
        fh = self._fh
        if not self._clusters:
            # Demuxers look for a first Cluster before they report any track; give them one.
            fh.write(element(CLUSTER, uint(b"\xe7", 0)))
        if self._cues:
            self._offsets[CUES] = fh.tell() - self._segment_data
            points = b"".join(
                element(
                    b"\xbb",
                    uint(b"\xb3", ms)
                    + element(b"\xb7", uint(b"\xf7", track) + uint(b"\xf1", offset)),
                )
                for ms, track, offset in self._cues
            )
            fh.write(element(CUES, points))
        end = fh.tell()
        seeks = b"".join(
            element(SEEK, element(SEEK_ID, eid) + uint(SEEK_POSITION, pos))
            for eid, pos in self._offsets.items()
        )
        seek_head = element(SEEK_HEAD, seeks)
        fh.seek(self._segment_data)
        fh.write(seek_head + void(_SEEKHEAD_SPACE - len(seek_head)))
        fh.seek(self._duration_at)
        fh.write(float64(b"\x44\x89", float(self.last_ms)))
        fh.seek(self._segment_data - 8)
        fh.write((end - self._segment_data | 1 << 56).to_bytes(8, "big"))
        fh.seek(end)
        fh.flush()
