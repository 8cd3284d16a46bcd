"""The draft as typed values, read tolerantly from whatever JSON a backend sends.

Keys follow PROTOCOL.md §4 (`t`, `tt`, `sg`, `d`, `s`, `m`); the long spellings `tracks`,
`segments`, `duration`, `start`, `meta`/`metadata` and `type` are read too. A value of the wrong
type reads as missing (a number written as a string is still a number). A track type we do not
know becomes `kind="unknown"` with its raw `tt` kept. An item that is not an object where a track
or segment should be is counted in `Draft.ignored`, never silently lost and never an error. Only
a draft that is not an object at all raises `DraftError`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from vidskill.errors import DraftError

TrackKind = Literal["video", "audio", "text", "unknown"]

_TT_KINDS: dict[int, TrackKind] = {0: "video", 1: "audio", 7: "text"}
_NAMED_KINDS: dict[str, TrackKind] = {"video": "video", "audio": "audio", "text": "text"}
# Beyond ~30,000 years of milliseconds a number is noise; capping keeps every figure printable.
_LIMIT = 10**15


@dataclass(frozen=True)
class Segment:
    """One segment of a track: where it sits in time and what it shows or plays."""

    id: str = ""
    start_ms: int = 0
    duration_ms: int = 0
    name: str = ""
    src: str = ""
    kind: str = ""
    text: str = ""
    style: str = ""
    role: str = ""
    volume: int | None = None
    motion: str = ""
    transition: str = ""
    position: str = ""

    @property
    def end_ms(self) -> int:
        """Where the segment ends, in milliseconds."""
        return self.start_ms + self.duration_ms


@dataclass(frozen=True)
class Track:
    """One track of the draft: its type, name, volume and segments in order."""

    id: str = ""
    kind: TrackKind = "unknown"
    tt: int | None = None
    name: str = ""
    volume: int | None = None
    segments: tuple[Segment, ...] = ()

    @property
    def start_ms(self) -> int:
        """The earliest segment start (0 for an empty track)."""
        return min((s.start_ms for s in self.segments), default=0)

    @property
    def end_ms(self) -> int:
        """The latest segment end (0 for an empty track)."""
        return max((s.end_ms for s in self.segments), default=0)


@dataclass(frozen=True)
class Draft:
    """A whole draft: canvas, declared duration and tracks bottom to top."""

    duration_ms: int | None = None
    title: str = ""
    width: int | None = None
    height: int | None = None
    fps: int | None = None
    tracks: tuple[Track, ...] = ()
    ignored: int = 0

    @property
    def has_segments(self) -> bool:
        """True when some track has a segment, so the draft can be exported."""
        return any(track.segments for track in self.tracks)

    @property
    def end_ms(self) -> int:
        """The declared duration, else the end of the last segment."""
        if self.duration_ms is not None:
            return self.duration_ms
        return max((track.end_ms for track in self.tracks), default=0)


def parse_draft(obj: object) -> Draft:
    """Read a draft mapping into a `Draft`; raises `DraftError` only for a non-mapping."""
    if not isinstance(obj, Mapping):
        raise DraftError(f"a draft must be a JSON object, not {_type_name(obj)}")
    meta = _mapping(_pick(obj, "m", "meta", "metadata"))
    raw_tracks = _pick(obj, "t", "tracks")
    items = raw_tracks if isinstance(raw_tracks, list) else []
    tracks = tuple(_track(item) for item in items if isinstance(item, Mapping))
    segments_ignored = sum(_ignored_segments(item) for item in items if isinstance(item, Mapping))
    return Draft(
        duration_ms=_length(_pick(obj, "d", "duration")),
        title=_text(meta.get("title")),
        width=_length(meta.get("width")),
        height=_length(meta.get("height")),
        fps=_length(meta.get("fps")),
        tracks=tracks,
        ignored=len(items) - len(tracks) + segments_ignored,
    )


def find_draft(obj: object) -> object:
    """The draft inside a REST envelope or a state payload; a JSON string is decoded first."""
    current = obj
    for _ in range(6):
        if isinstance(current, str):
            current = _decode(current)
        if not isinstance(current, Mapping):
            return current
        inner = _unwrap_once(current)
        if inner is None:
            return current
        current = inner
    return current


def _unwrap_once(obj: Mapping[object, object]) -> object | None:
    if isinstance(obj.get("data"), Mapping | str) and {"code", "success", "message"} & set(obj):
        return obj["data"]
    if "draft" in obj and obj["draft"] is None:
        # A session with no draft yet: an empty timeline, not the state read as a draft.
        return {}
    for key in ("state", "draft"):
        if isinstance(obj.get(key), Mapping | str):
            return obj[key]
    return None


def _decode(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def _track(obj: Mapping[object, object]) -> Track:
    meta = _mapping(_pick(obj, "m", "meta", "metadata"))
    tt, kind = _track_kind(_pick(obj, "tt", "type"))
    raw = _pick(obj, "sg", "segments")
    items = raw if isinstance(raw, list) else []
    segments: list[Segment] = []
    for item in items:
        if isinstance(item, Mapping):
            previous_end = segments[-1].end_ms if segments else 0
            segments.append(_segment(item, previous_end))
    return Track(
        id=_text(obj.get("id")),
        kind=kind,
        tt=tt,
        name=_text(meta.get("name")),
        volume=_volume(meta.get("volume")),
        segments=tuple(segments),
    )


def _ignored_segments(obj: Mapping[object, object]) -> int:
    raw = _pick(obj, "sg", "segments")
    items = raw if isinstance(raw, list) else []
    return sum(1 for item in items if not isinstance(item, Mapping))


def _segment(obj: Mapping[object, object], previous_end: int) -> Segment:
    meta = _mapping(_pick(obj, "m", "meta", "metadata"))
    start = _length(_pick(obj, "s", "start"))
    return Segment(
        id=_text(obj.get("id")),
        # A segment without a start follows the one before it, as the main sequence does.
        start_ms=previous_end if start is None else start,
        duration_ms=_length(_pick(obj, "d", "duration")) or 0,
        name=_text(meta.get("name")),
        src=_text(meta.get("src")),
        kind=_text(meta.get("kind")).lower(),
        text=_text(meta.get("text")),
        style=_text(meta.get("style")).lower(),
        role=_text(meta.get("role")).lower(),
        volume=_volume(meta.get("volume")),
        motion=_text(meta.get("motion")),
        transition=_text(meta.get("transition")),
        position=_text(meta.get("position")),
    )


def _track_kind(value: object) -> tuple[int | None, TrackKind]:
    if isinstance(value, str) and value.strip().lower() in _NAMED_KINDS:
        return None, _NAMED_KINDS[value.strip().lower()]
    tt = _number(value)
    if tt is None:
        return None, "unknown"
    return tt, _TT_KINDS.get(tt, "unknown")


def _pick(obj: Mapping[object, object], *keys: str) -> object:
    for key in keys:
        if obj.get(key) is not None:
            return obj[key]
    return None


def _mapping(value: object) -> Mapping[object, object]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ""
    if isinstance(value, float) or (isinstance(value, int) and abs(value) < _LIMIT):
        return str(value)
    return ""


def _number(value: object) -> int | None:
    """An integer from an int, a finite float or a numeric string; anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return max(-_LIMIT, min(_LIMIT, value))
    if isinstance(value, float):
        return _number(round(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        return _number_from_text(value.strip())
    return None


def _number_from_text(text: str) -> int | None:
    if len(text) > 40:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return _number(float(text))
    except (ValueError, OverflowError):
        return None


def _length(value: object) -> int | None:
    """A time or size: a number clamped at zero, since negative lengths mean nothing here."""
    number = _number(value)
    return None if number is None else max(0, number)


def _volume(value: object) -> int | None:
    """A 0-100 volume; a fraction strictly between 0 and 1 is read as a share of 100."""
    if isinstance(value, float) and 0 < value < 1:
        return round(value * 100)
    return _length(value)


def _type_name(obj: object) -> str:
    if obj is None:
        return "null"
    names = {str: "a string", list: "a list", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(obj), type(obj).__name__)
