"""The one-line timeline summary users see, in English and Chinese.

The English form is the one the skill documents show:
`Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title:
"Urban Dreams" (0-3s)`.

Track labels (English / Chinese), decided here:
    first video track            Video / 视频 (the main picture sequence)
    later video tracks           Logo overlay / Logo 叠加层 when a segment is a logo,
                                 else Overlay / 叠加层
    audio, role bgm or music:*   BGM / 背景音乐
    audio, role voiceover        Voiceover / 配音
    audio, role clip             Audio / 音频
    text, style title            Title / 标题
    text, style caption          Captions / 字幕
    text, style lower_third      Lower third / 人名条
    anything else                the track's own name, else Audio / Text / Track (type N)

What follows the label: the segment names (up to three, then "+N more"), or for text tracks the
first text in quotes and "+N more"; then the time range, with the volume for audio. Seconds are
whole when they can be and otherwise have one decimal (2500 ms is "2.5s"), rounded half up.
"""

from __future__ import annotations

import re

from vidskill.timeline_model import Draft, Segment, Track
from vidskill.timeline_words import words

_AUDIO_ROLES = {"bgm": "bgm", "voiceover": "voiceover", "clip": "audio"}
_TEXT_STYLES = {"title": "title", "caption": "captions", "lower_third": "lower_third"}
_SPACES = re.compile(r"\s+")


def seconds(ms: int) -> str:
    """Milliseconds as seconds: whole when exact, else one decimal rounded half up."""
    tenths = (max(0, ms) + 50) // 100
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


def clip(text: str, limit: int = 40) -> str:
    """Text on one line, cut to `limit` characters with an ellipsis."""
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def track_labels(draft: Draft, lang: str = "en") -> tuple[str, ...]:
    """The label of every track of a draft, in order (see the module docstring)."""
    table = words(lang)
    labels: list[str] = []
    seen_video = False
    for track in draft.tracks:
        first_video = track.kind == "video" and not seen_video
        labels.append(_label(track, first_video, table))
        seen_video = seen_video or track.kind == "video"
    return tuple(labels)


def _label(track: Track, first_video: bool, table: dict[str, str]) -> str:
    key = _label_key(track, first_video)
    if key is not None:
        return table[key]
    if track.name.strip():
        return clip(track.name, 24)
    if track.kind in ("audio", "text"):
        return table[track.kind]
    return table["unknown"] if track.tt is None else table["unknown_tt"].format(tt=track.tt)


def _label_key(track: Track, first_video: bool) -> str | None:
    if track.kind == "video":
        if first_video:
            return "video"
        logo = any("logo" in f"{s.name} {s.src}".lower() for s in track.segments)
        return "logo_overlay" if logo else "overlay"
    if track.kind == "audio":
        role = next((s.role for s in track.segments if s.role), "")
        if role in _AUDIO_ROLES:
            return _AUDIO_ROLES[role]
        music = any(s.src.startswith("music:") for s in track.segments)
        return "bgm" if music else None
    if track.kind == "text":
        style = next((s.style for s in track.segments if s.style), "")
        return _TEXT_STYLES.get(style)
    return None


def segment_name(segment: Segment, lang: str = "en") -> str:
    """How one segment is named to a user: its text in quotes, name, source or kind."""
    table = words(lang)
    if segment.text.strip():
        return table["quote"].format(clip(segment.text))
    for value in (segment.name, segment.src):
        if value.strip():
            return clip(value)
    return table["color"] if segment.kind == "color" else table["untitled"]


def volume_of(track: Track) -> int | None:
    """The volume a user hears: the first segment's own volume, else the track's."""
    own = next((s.volume for s in track.segments if s.volume is not None), None)
    return track.volume if own is None else own


def time_range(track: Track, lang: str = "en") -> str:
    """The track's span, with its volume for audio: "(0-10s, 35%)"."""
    table = words(lang)
    start, end = seconds(track.start_ms), seconds(track.end_ms)
    volume = volume_of(track) if track.kind == "audio" else None
    if volume is None:
        return table["range"].format(start=start, end=end)
    return table["range_volume"].format(start=start, end=end, volume=volume)


def describe(track: Track, label: str, lang: str = "en") -> str:
    """One track as the summary shows it, without its number: "BGM: Lo-fi (0-10s, 35%)"."""
    table = words(lang)
    if not track.segments:
        return table["item_empty"].format(label=label)
    names = [segment_name(s, lang) for s in track.segments]
    shown = 1 if track.kind == "text" else 3
    content = table["sep"].join(names[:shown])
    if len(names) > shown:
        content = table["more"].format(items=content, rest=len(names) - shown, total=len(names))
    return table["item"].format(label=label, content=content, range=time_range(track, lang))


def summary(draft: Draft, lang: str = "en") -> str:
    """The one-line timeline summary in the documented form."""
    table = words(lang)
    count = len(draft.tracks)
    header = table["header"].format(count=count, noun=table["track" if count == 1 else "tracks"])
    labels = track_labels(draft, lang)
    items = [
        f"{index}. {describe(track, label, lang)}"
        for index, (track, label) in enumerate(zip(draft.tracks, labels, strict=True), start=1)
    ]
    return table["summary"].format(header=header, items=" ".join(items) or table["none"])
