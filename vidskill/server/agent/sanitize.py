"""A stored draft read tolerantly into the agent's values, keeping only what can be rendered.

The server only ever stores drafts this agent made, so this is a guard, not a feature: a key
with a value outside DRAFT.md is dropped (its default applies), a segment without a usable
source, text or timing is left out, duplicate ids are renumbered, the main track is laid back
to back and everything is clipped to the ten-minute limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from vidskill.server.agent.draft import (
    AUDIO,
    CANVASES,
    CORNERS,
    FITS,
    KINDS,
    MAX_DURATION_MS,
    MAX_SEGMENTS,
    MOODS,
    MOTIONS,
    MUSIC_PREFIX,
    ROLES,
    STYLES,
    TEXT,
    TEXT_LIMIT,
    TEXT_POSITIONS,
    TRANSITIONS,
    VIDEO,
    Draft,
    Seg,
    Track,
    back_to_back,
)

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
Check = Callable[[Any], bool]


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _ms(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _percent(value: object) -> bool:
    return _ms(value) and isinstance(value, int) and value <= 100


def _fraction(value: object) -> bool:
    return _number(value) and 0 <= float(value) <= 1  # type: ignore[arg-type]


def _one_of(allowed: tuple[str, ...]) -> Check:
    return lambda value: value in allowed


def _text(value: object) -> bool:
    return isinstance(value, str)


def _color(value: object) -> bool:
    return isinstance(value, str) and _COLOR.fullmatch(value) is not None


_PICTURE: dict[str, Check] = {
    "kind": _one_of(KINDS),
    "fit": _one_of(FITS),
    "motion": _one_of(MOTIONS),
    "transition": _one_of(TRANSITIONS),
    "transition_ms": _ms,
    "in": _ms,
    "volume": _percent,
    "color": _color,
    "name": _text,
    "src": _text,
    "position": _one_of(CORNERS),
    "scale": lambda v: _fraction(v) and v > 0,
    "opacity": _fraction,
}
_SOUND: dict[str, Check] = {
    "role": _one_of(ROLES),
    "volume": _percent,
    "fade_in": _ms,
    "fade_out": _ms,
    "in": _ms,
    "name": _text,
    "src": _text,
}
_WORDS: dict[str, Check] = {
    "text": lambda v: _text(v) and len(v) <= TEXT_LIMIT,
    "style": _one_of(STYLES),
    "position": _one_of(TEXT_POSITIONS),
    "color": _color,
    "size": lambda v: _number(v) and 0 < v <= 1000,
    "box": _one_of((True, False)),  # type: ignore[arg-type]
}
_SPECS = {VIDEO: _PICTURE, AUDIO: _SOUND, TEXT: _WORDS}
_NAMES = {VIDEO: "Video", AUDIO: "Audio", TEXT: "Text"}


def read_draft(obj: object, known: Collection[str]) -> Draft | None:
    """The usable part of a stored draft, or None when it is not a draft at all."""
    if not isinstance(obj, Mapping):
        return None
    ids = _Ids()
    tracks: list[Track] = []
    raw_tracks = obj.get("t")
    for raw in raw_tracks if isinstance(raw_tracks, list) else []:
        track = _read_track(raw, known, ids, main_seen=any(t.tt == VIDEO for t in tracks))
        if track is not None:
            tracks.append(track)
    return Draft(m=_read_meta(obj.get("m")), t=_clip(tracks))


def _read_meta(raw: object) -> dict[str, Any]:
    meta = dict(raw) if isinstance(raw, Mapping) else {}
    if (meta.get("width"), meta.get("height")) not in CANVASES.values():
        meta["width"], meta["height"] = CANVASES["16:9"]
    meta["fps"] = 30
    if not isinstance(meta.get("title"), str):
        meta["title"] = ""
    if not _color(meta.get("bg")):
        meta["bg"] = "#000000"
    return meta


class _Ids:
    """Hands out ids, renumbering a missing or repeated one."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: object, fallback: str) -> str:
        name = wanted if isinstance(wanted, str) and wanted else fallback
        candidate, n = name, 1
        while candidate in self.used:
            n += 1
            candidate = f"{name}_{n}"
        self.used.add(candidate)
        return candidate


def _read_track(raw: object, known: Collection[str], ids: _Ids, *, main_seen: bool) -> Track | None:
    if not isinstance(raw, Mapping) or raw.get("tt") not in (VIDEO, AUDIO, TEXT):
        return None
    tt = int(raw["tt"])
    is_main = tt == VIDEO and not main_seen
    track_id = ids.take(raw.get("id"), {VIDEO: "v", AUDIO: "a"}.get(tt, "x"))
    meta = dict(raw["m"]) if isinstance(raw.get("m"), Mapping) else {}
    if not isinstance(meta.get("name"), str):
        meta["name"] = _NAMES[tt]
    if tt == AUDIO and "volume" in meta and not _percent(meta["volume"]):
        del meta["volume"]
    raw_segs = raw.get("sg")
    segs = (
        [_read_seg(s, tt, known, ids, track_id) for s in raw_segs]
        if isinstance(raw_segs, list)
        else []
    )
    kept = tuple(seg for seg in segs if seg is not None)
    if segs and not kept and not is_main:
        return None  # nothing of it could be kept
    return Track(track_id, tt, meta, back_to_back(kept) if is_main else kept)


def _read_seg(raw: object, tt: int, known: Collection[str], ids: _Ids, track_id: str) -> Seg | None:
    if not isinstance(raw, Mapping):
        return None
    s, d = raw.get("s"), raw.get("d")
    if not _number(s) or not _number(d) or round(d) <= 0 or s < 0:  # type: ignore[operator,arg-type]
        return None
    raw_meta = raw.get("m") if isinstance(raw.get("m"), Mapping) else {}
    assert isinstance(raw_meta, Mapping)
    spec = _SPECS[tt]
    meta = {
        k: v for k, v in raw_meta.items() if isinstance(k, str) and (k not in spec or spec[k](v))
    }
    if not _usable(tt, meta, known):
        return None
    return Seg(ids.take(raw.get("id"), f"{track_id}s"), round(s), round(d), meta)  # type: ignore[arg-type]


def _usable(tt: int, meta: dict[str, Any], known: Collection[str]) -> bool:
    if tt == TEXT:
        return isinstance(meta.get("text"), str) and bool(meta["text"].strip())
    src = meta.get("src")
    if tt == AUDIO:
        mood = (
            src[len(MUSIC_PREFIX) :]
            if isinstance(src, str) and src.startswith(MUSIC_PREFIX)
            else None
        )
        return mood in MOODS or src in known
    if meta.get("kind") == "color":
        return "color" in meta
    return src in known


def _clip(tracks: list[Track]) -> tuple[Track, ...]:
    """The tracks cut to the duration and segment-count limits."""
    out: list[Track] = []
    budget = MAX_SEGMENTS
    for track in tracks:
        segs = [
            Seg(seg.id, seg.s, min(seg.d, MAX_DURATION_MS - seg.s), seg.m)
            for seg in track.sg
            if seg.s < MAX_DURATION_MS
        ][: max(budget, 0)]
        budget -= len(segs)
        out.append(Track(track.id, track.tt, track.m, tuple(segs)))
    return tuple(out)
