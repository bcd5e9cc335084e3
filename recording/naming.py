"""The one place that names recording files (storage keys) and what is derived from them.

An *original* is what the recorder wrote during a call: ``<call id>-<segment>.webm`` (VP8 and
Opus only) or ``<call id>-<segment>.mkv`` (any H.264 track). Its SHA-256 is on the call record
and the audit chain, so nothing may ever write to its key again.

A *derived* file is rendered later from an original, and its key always differs from every
original's: the side-by-side composite of ``X-1.webm`` **and** of ``X-1.mkv`` is
``X-1.composite.webm``. Callers never build these names with string replacements; they call
:func:`composite_key` (and the storage refuses to overwrite an existing key regardless).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Container = Literal["webm", "mkv"]
CONTAINERS: tuple[Container, ...] = ("webm", "mkv")

_KEY = re.compile(
    r"^(?P<call>[0-9A-Za-z][0-9A-Za-z_-]{0,99})-(?P<n>[1-9][0-9]{0,8})"
    r"(?:\.(?P<derived>composite))?\.(?P<ext>webm|mkv)$"
)
_MEDIA_TYPES = {"webm": "video/webm", "mkv": "video/x-matroska"}


@dataclass(frozen=True)
class RecordingKey:
    """A parsed storage key."""

    call_id: str
    segment: int
    container: Container
    derived: str | None = None  # "composite" for a side-by-side rendering; None: an original

    @property
    def is_original(self) -> bool:
        return self.derived is None

    def __str__(self) -> str:
        middle = f".{self.derived}" if self.derived else ""
        return f"{self.call_id}-{self.segment}{middle}.{self.container}"


def parse_key(key: str) -> RecordingKey | None:
    """The parts of a recording key, or None if ``key`` is not one this module names."""
    match = _KEY.match(key)
    if match is None:
        return None
    ext: Container = "mkv" if match["ext"] == "mkv" else "webm"
    if match["derived"] and ext != "webm":
        return None  # composites are always WebM
    return RecordingKey(match["call"], int(match["n"]), ext, match["derived"])


def segment_key(call_id: str, segment: int, container: Container) -> str:
    """The key of an original recording segment (``segment`` counts from 1)."""
    key = str(RecordingKey(call_id, segment, container))
    if parse_key(key) is None:
        raise ValueError(f"not a valid recording key: {key!r}")
    return key


def container_for(codecs: set[str]) -> Container:
    """WebM holds only VP8/VP9/AV1 and Opus/Vorbis; anything else (H.264) needs Matroska."""
    return "webm" if codecs <= {"vp8", "opus"} else "mkv"


def composite_key(key: str) -> str:
    """The key of the side-by-side composite rendered from the original ``key``.

    Raises ValueError for a key that is not an original recording (a composite of a
    composite is never made).
    """
    parsed = parse_key(key)
    if parsed is None or not parsed.is_original:
        raise ValueError(f"not an original recording key: {key!r}")
    return str(RecordingKey(parsed.call_id, parsed.segment, "webm", "composite"))


def media_type(key: str) -> str:
    """The Content-Type to serve a stored recording with."""
    parsed = parse_key(key)
    return _MEDIA_TYPES[parsed.container] if parsed else "application/octet-stream"
