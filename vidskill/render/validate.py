"""Checks an untrusted draft (DRAFT.md) and turns it into a `Timeline`, without rendering.

Segments that start at or after the draft's end are dropped and segments that run past it are
clipped, so the output is always exactly the draft's duration; anything else out of range is
rejected with a message that names the track, the segment and the field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, cast

from vidskill.draftspec import (
    CORNERS,
    KINDS,
    MOTIONS,
    ROLES,
    STYLES,
    TEXT_LIMIT,
    TEXT_POSITIONS,
    TRANSITIONS,
)
from vidskill.render.fields import Fields, shown
from vidskill.render.model import (
    CANVASES,
    FPS,
    MAX_DURATION_MS,
    MAX_SEGMENTS,
    MOODS,
    MUSIC_PREFIX,
    RGB,
    Caption,
    DraftRejected,
    Sound,
    Timeline,
    VideoTrack,
    Visual,
)

PLACES = CORNERS
POSITIONS = TEXT_POSITIONS
# style -> (default position, default size at a 1080 short side, default backing box)
STYLE_DEFAULTS: dict[str, tuple[str, int, bool]] = {
    "title": ("center", 96, False),
    "caption": ("bottom", 56, True),
    "lower_third": ("bottom", 48, False),
}
MAX_TRANSITION_MS = 10_000


def validate_draft(draft: object, known_assets: Collection[str]) -> None:
    """Raise `DraftRejected` with a clear message if the draft cannot be rendered."""
    parse_timeline(draft, known_assets)


def parse_timeline(draft: object, known_assets: Collection[str]) -> Timeline:
    """The checked timeline of a draft; raises `DraftRejected` and nothing else."""
    top = Fields(draft, "the draft")
    duration = _duration(top)
    meta = top.sub("m", "the draft's m")
    width, height = _canvas(meta)
    bg = meta.color("bg", (0, 0, 0)) or (0, 0, 0)
    tracks = top.items("t")
    _check_counts(tracks)
    reader = _Reader(duration, known_assets, bg)
    for index, raw in enumerate(tracks):
        reader.track(raw, index)
    if not (reader.video or reader.sounds or reader.captions):
        raise DraftRejected("the draft has nothing to render: no track has a segment")
    return Timeline(
        duration=duration,
        width=width,
        height=height,
        bg=bg,
        video=tuple(reader.video),
        sounds=tuple(reader.sounds),
        captions=tuple(reader.captions),
    )


def _duration(top: Fields) -> int:
    if top.raw.get("d") is None:
        raise DraftRejected("the draft has no duration (d, in milliseconds)")
    duration = top.ms("d")
    if duration <= 0:
        raise DraftRejected("the draft's duration (d) must be more than 0 ms")
    if duration > MAX_DURATION_MS:
        raise DraftRejected(
            f"the draft is {duration} ms long; the limit is {MAX_DURATION_MS} ms "
            f"({MAX_DURATION_MS // 60000} minutes)"
        )
    return duration


def _canvas(meta: Fields) -> tuple[int, int]:
    width, height = meta.raw.get("width", 1920), meta.raw.get("height", 1080)
    if (width, height) not in CANVASES or isinstance(width, bool) or isinstance(height, bool):
        sizes = ", ".join(f"{w}x{h}" for w, h in CANVASES)
        raise DraftRejected(
            f"the canvas must be one of {sizes}; got {shown(width)}x{shown(height)}"
        )
    fps = meta.raw.get("fps", FPS)
    if fps != FPS or isinstance(fps, bool):
        raise DraftRejected(f"only {FPS} fps is supported; the draft asks for {shown(fps)}")
    return int(width), int(height)


def _check_counts(tracks: Sequence[Any]) -> None:
    segments = sum(
        len(track["sg"])
        for track in tracks
        if isinstance(track, Mapping) and isinstance(track.get("sg"), list)
    )
    if max(segments, len(tracks)) > MAX_SEGMENTS:
        raise DraftRejected(
            f"the draft has {segments} segments in {len(tracks)} tracks; "
            f"the limit is {MAX_SEGMENTS} of each"
        )


def _name(raw: object, fallback: str) -> str:
    ident = raw.get("id") if isinstance(raw, Mapping) else None
    if isinstance(ident, str) and 0 < len(ident) <= 40:
        return repr(ident)
    return fallback


class _Reader:
    """Collects the checked segments of each track in draft order."""

    def __init__(self, duration: int, known: Collection[str], bg: RGB) -> None:
        self.duration = duration
        self.known = known
        self.bg = bg
        self.video: list[VideoTrack] = []
        self.sounds: list[Sound] = []
        self.captions: list[Caption] = []

    def track(self, raw: object, index: int) -> None:
        track = Fields(raw, f"track {_name(raw, str(index + 1))}")
        kind = track.raw.get("tt")
        if kind not in (0, 1, 7) or isinstance(kind, bool):
            raise track.reject(f"tt must be 0 (video), 1 (audio) or 7 (text); got {shown(kind)}")
        meta = track.sub("m", track.where)
        volume = meta.number("volume", 100, 0, 100)
        items: list[Visual] = []
        for position, seg in enumerate(track.items("sg")):
            where = f"segment {_name(seg, str(position + 1))} of {track.where}"
            fields = Fields(seg, where)
            span = self._span(fields)
            m = fields.sub("m", where)
            if kind == 0:
                items.extend(self._visual(m, span))
            elif kind == 1:
                self.sounds.extend(self._sound(m, span, volume))
            else:
                self.captions.extend(self._caption(m, span))
        if kind == 0 and items:
            items.sort(key=lambda item: item.start)
            self.video.append(VideoTrack(tuple(items), overlay=bool(self.video)))

    def _span(self, seg: Fields) -> tuple[int, int] | None:
        start, dur = seg.ms("s"), seg.ms("d")
        if start >= self.duration or dur == 0:
            return None
        return start, min(dur, self.duration - start)

    def _src(self, m: Fields) -> str:
        src = m.raw.get("src")
        if not isinstance(src, str) or not src:
            raise m.reject(f"src must be an asset id, got {shown(src)}")
        if src.startswith(MUSIC_PREFIX) and src[len(MUSIC_PREFIX) :] in MOODS:
            return src
        if src not in self.known:
            raise m.reject(f"src {shown(src)} is not one of this session's assets")
        return src

    def _visual(self, m: Fields, span: tuple[int, int] | None) -> list[Visual]:
        kind = m.choice("kind", "image" if "src" in m.raw else "color", KINDS)
        src = None if kind == "color" else self._src(m)
        if src is not None and src.startswith(MUSIC_PREFIX):
            raise m.reject(f"src {shown(src)} is music, not a picture")
        visual = Visual(
            start=span[0] if span else 0,
            dur=span[1] if span else 0,
            kind=cast(Any, kind),
            src=src,
            color=m.color("color", self.bg if kind == "color" else None),
            fit=cast(Any, m.choice("fit", "cover", ("cover", "contain"))),
            motion=m.choice("motion", "none", MOTIONS),
            transition=m.choice("transition", "none", TRANSITIONS),
            transition_ms=min(m.ms("transition_ms", 500), MAX_TRANSITION_MS),
            in_ms=m.ms("in", 0),
            volume=m.number("volume", 100, 0, 100) / 100,
            position=m.choice("position", "bottom_right", PLACES),
            scale=m.number("scale", 0.18, 0.01, 1),
            opacity=m.number("opacity", 1, 0, 1),
        )
        return [visual] if span else []

    def _sound(self, m: Fields, span: tuple[int, int] | None, volume: float) -> list[Sound]:
        src = self._src(m)
        m.choice("role", "bgm", ROLES)
        gain = m.number("volume", volume, 0, 100) / 100
        fade_in, fade_out, in_ms = m.ms("fade_in", 0), m.ms("fade_out", 0), m.ms("in", 0)
        if span is None:
            return []
        return [Sound(span[0], span[1], src, gain, fade_in, fade_out, in_ms)]

    def _caption(self, m: Fields, span: tuple[int, int] | None) -> list[Caption]:
        text = m.text("text", TEXT_LIMIT)
        style = m.choice("style", "title", STYLES)
        position, size, box = STYLE_DEFAULTS[style]
        caption = Caption(
            start=span[0] if span else 0,
            dur=span[1] if span else 0,
            text=text,
            style=cast(Any, style),
            position=cast(Any, m.choice("position", position, POSITIONS)),
            color=m.color("color", (255, 255, 255)) or (255, 255, 255),
            size=round(m.number("size", size, 8, 400)),
            box=m.flag("box", box),
        )
        return [caption] if span and text.strip() else []
