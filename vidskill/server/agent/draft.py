"""The draft as the agent edits it: frozen values that turn into DRAFT.md's JSON at one edge.

The draft duration is never stored: it is always the end of the longest track, so no edit can
leave `d` out of step with the tracks. The first video track is the main picture sequence and
`with_main` lays its segments back to back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from vidskill.draftspec import AUDIO as AUDIO
from vidskill.draftspec import CANVASES as CANVASES
from vidskill.draftspec import CORNERS as CORNERS
from vidskill.draftspec import FITS as FITS
from vidskill.draftspec import KINDS as KINDS
from vidskill.draftspec import MAX_DURATION_MS as MAX_DURATION_MS
from vidskill.draftspec import MAX_SEGMENTS as MAX_SEGMENTS
from vidskill.draftspec import MOODS as MOODS
from vidskill.draftspec import MOTIONS as MOTIONS
from vidskill.draftspec import MUSIC_PREFIX as MUSIC_PREFIX
from vidskill.draftspec import ROLES as ROLES
from vidskill.draftspec import STYLES as STYLES
from vidskill.draftspec import TEXT as TEXT
from vidskill.draftspec import TEXT_LIMIT as TEXT_LIMIT
from vidskill.draftspec import TEXT_POSITIONS as TEXT_POSITIONS
from vidskill.draftspec import TRANSITIONS as TRANSITIONS
from vidskill.draftspec import VIDEO as VIDEO

MIN_DURATION_MS = 1000
SHOWN_TEXT = 200  # what the agent writes itself into one text segment


@dataclass(frozen=True)
class Seg:
    """One segment: start and duration in ms and its metadata."""

    id: str
    s: int
    d: int
    m: Mapping[str, Any]

    @property
    def end(self) -> int:
        """Where the segment ends, in ms."""
        return self.s + self.d

    def meta(self, **changes: Any) -> Seg:
        """The segment with some metadata keys changed."""
        return replace(self, m={**self.m, **changes})


@dataclass(frozen=True)
class Track:
    """One track: type 0 video, 1 audio or 7 text, its metadata and segments."""

    id: str
    tt: int
    m: Mapping[str, Any]
    sg: tuple[Seg, ...]

    @property
    def end(self) -> int:
        """Where the track's last segment ends, in ms (0 when empty)."""
        return max((seg.end for seg in self.sg), default=0)


@dataclass(frozen=True)
class Draft:
    """A whole draft: canvas and title metadata and the tracks, bottom to top."""

    m: Mapping[str, Any]
    t: tuple[Track, ...]

    @property
    def d(self) -> int:
        """The draft duration: the end of the longest track."""
        return max((track.end for track in self.t), default=0)

    @property
    def main(self) -> Track | None:
        """The main picture sequence: the first video track."""
        return next((track for track in self.t if track.tt == VIDEO), None)

    @property
    def has_segments(self) -> bool:
        """True when some track has a segment."""
        return any(track.sg for track in self.t)

    def to_json(self) -> dict[str, Any]:
        """The draft in DRAFT.md's wire shape."""
        return {"d": self.d, "m": dict(self.m), "t": [track_json(track) for track in self.t]}


def track_json(track: Track) -> dict[str, Any]:
    """One track in the wire shape."""
    segs = [{"id": seg.id, "s": seg.s, "d": seg.d, "m": dict(seg.m)} for seg in track.sg]
    return {"id": track.id, "tt": track.tt, "m": dict(track.m), "sg": segs}


def empty_draft(title: str, aspect: str = "16:9") -> Draft:
    """A draft with a canvas and no tracks."""
    width, height = CANVASES[aspect]
    meta = {"title": title, "width": width, "height": height, "fps": 30, "bg": "#000000"}
    return Draft(m=meta, t=())


def back_to_back(segs: Iterable[Seg]) -> tuple[Seg, ...]:
    """The segments laid one after the other from 0, keeping their order and durations."""
    out: list[Seg] = []
    start = 0
    for seg in segs:
        out.append(replace(seg, s=start))
        start += seg.d
    return tuple(out)


def with_main(draft: Draft, segs: Iterable[Seg]) -> Draft:
    """The draft with its main track's segments replaced and laid back to back."""
    main = draft.main
    if main is None:
        return draft
    return put_track(draft, replace(main, sg=back_to_back(segs)))


def put_track(draft: Draft, track: Track) -> Draft:
    """The draft with the track of the same id replaced, or the track added on top."""
    if any(old.id == track.id for old in draft.t):
        tracks = tuple(track if old.id == track.id else old for old in draft.t)
        return replace(draft, t=tracks)
    return replace(draft, t=(*draft.t, track))


def drop_tracks(draft: Draft, ids: Iterable[str]) -> Draft:
    """The draft without the tracks of the given ids."""
    gone = set(ids)
    return replace(draft, t=tuple(track for track in draft.t if track.id not in gone))


def new_track_id(draft: Draft, prefix: str) -> str:
    """A track id with `prefix` ("v", "a" or "x") that the draft does not use yet."""
    used = {track.id for track in draft.t}
    return next(f"{prefix}{n}" for n in range(1, len(used) + 2) if f"{prefix}{n}" not in used)


def new_seg_ids(draft: Draft, track_id: str, count: int) -> list[str]:
    """`count` segment ids for a track that no segment of the draft uses yet."""
    used = {seg.id for track in draft.t for seg in track.sg}
    ids: list[str] = []
    n = 1
    while len(ids) < count:
        candidate = f"{track_id}s{n}"
        if candidate not in used:
            ids.append(candidate)
        n += 1
    return ids


def new_track(draft: Draft, tt: int, name: str, segs: list[dict[str, Any]], **meta: Any) -> Track:
    """A new track with fresh ids; each segment is given as {"s", "d", "m"}."""
    prefix = {VIDEO: "v", AUDIO: "a"}.get(tt, "x")
    track_id = new_track_id(draft, prefix)
    ids = new_seg_ids(draft, track_id, len(segs))
    built = tuple(
        Seg(sid, seg["s"], seg["d"], seg["m"]) for sid, seg in zip(ids, segs, strict=True)
    )
    return Track(track_id, tt, {"name": name, **meta}, built)


def audio_tracks(draft: Draft, role: str) -> list[Track]:
    """The audio tracks holding a segment of `role` ("bgm", "voiceover", "clip")."""
    return [
        track
        for track in draft.t
        if track.tt == AUDIO and any(seg.m.get("role") == role for seg in track.sg)
    ]


def text_segments(draft: Draft, style: str) -> list[tuple[Track, Seg]]:
    """Every text segment of `style`, with its track."""
    return [
        (track, seg)
        for track in draft.t
        if track.tt == TEXT
        for seg in track.sg
        if seg.m.get("style", "title") == style
    ]


def without_segments(draft: Draft, ids: Iterable[str]) -> Draft:
    """The draft without the given segments; tracks left empty (except the main one) go."""
    gone = set(ids)
    main = draft.main
    tracks: list[Track] = []
    for track in draft.t:
        kept = tuple(seg for seg in track.sg if seg.id not in gone)
        if kept or not track.sg or track is main:
            tracks.append(replace(track, sg=kept))
    return replace(draft, t=tuple(tracks))


def aspect_of(draft: Draft) -> str:
    """The canvas's aspect name ("16:9", "9:16" or "1:1")."""
    size = (draft.m.get("width"), draft.m.get("height"))
    return next((name for name, wh in CANVASES.items() if wh == size), "16:9")
