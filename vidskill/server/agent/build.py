"""Building blocks of a draft: picture segments, music, title, captions and voice tracks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vidskill.server.agent.draft import (
    AUDIO,
    MOODS,
    MUSIC_PREFIX,
    SHOWN_TEXT,
    TEXT,
    VIDEO,
    Draft,
    new_track,
    put_track,
    text_segments,
)
from vidskill.server.agent.media import is_logo_name, pretty_name, stem
from vidskill.server.agent.model import AgentAsset
from vidskill.server.agent.replies import is_zh

MUSIC_VOLUME = 35
FADE_IN, FADE_OUT = 500, 1500
TITLE_MS = 3000
DYNAMIC = ("zoom_in", "pan_left", "zoom_out", "pan_right")
SMOOTH = ("zoom_in", "pan_right", "zoom_out", "pan_left")
MOOD_NAMES = {
    "upbeat": "Upbeat",
    "calm": "Calm",
    "corporate": "Corporate",
    "cinematic": "Cinematic",
    "lofi": "Lo-fi",
}
TAGLINES = {
    "promo.en": ("New arrivals", "Limited time offer", "Shop now", "Don't miss out"),
    "promo.zh": ("新品上市", "限时优惠", "立即选购", "不容错过"),
    "en": (
        "See every detail",
        "Made to last",
        "Designed for you",
        "Quality you can feel",
        "Ready when you are",
        "Your new favourite",
    ),
    "zh": ("细节尽显", "经久耐用", "为你而设计", "品质看得见", "随时待命", "你的新宠"),
}


def picture_meta(asset: AgentAsset, motion: str, transition: str, **extra: Any) -> dict[str, Any]:
    """The metadata of a main-track segment showing an uploaded picture or clip."""
    kind = "video" if asset.file_type == "video" else "image"
    name = "Logo" if is_logo_name(asset.filename) else stem(asset.filename)
    meta: dict[str, Any] = {
        "src": asset.id,
        "name": name,
        "kind": kind,
        "fit": "cover",
        "motion": motion if kind == "image" else "none",
        "transition": transition,
    }
    return meta | extra


def logo_card_meta(asset: AgentAsset) -> dict[str, Any]:
    """The metadata of a logo end card: the whole logo on white, fading in through black."""
    return {
        "src": asset.id,
        "name": "Logo",
        "kind": "image",
        "fit": "contain",
        "color": "#FFFFFF",
        "motion": "none",
        "transition": "fade_black",
    }


def with_main_track(
    draft: Draft, metas: Sequence[dict[str, Any]], durations: Sequence[int]
) -> Draft:
    """The draft with a new main video track of back-to-back segments."""
    segs, start = [], 0
    for meta, ms in zip(metas, durations, strict=True):
        segs.append({"s": start, "d": ms, "m": meta})
        start += ms
    return put_track(draft, new_track(draft, VIDEO, "Video", segs))


def music_meta(mood: str, volume: int, length: int) -> dict[str, Any]:
    """A built-in music segment's metadata, with fades that fit its length."""
    return {
        "src": MUSIC_PREFIX + mood,
        "name": MOOD_NAMES[mood],
        "role": "bgm",
        "volume": volume,
        "fade_in": min(FADE_IN, length // 4),
        "fade_out": min(FADE_OUT, length // 4),
    }


def with_music(draft: Draft, mood: str | AgentAsset, volume: int = MUSIC_VOLUME) -> Draft:
    """The draft with a background-music track over its whole length (an upload is not looped)."""
    total = draft.d
    if isinstance(mood, AgentAsset):
        length = min(total, round((mood.duration or total / 1000) * 1000)) or total
        meta = {
            "src": mood.id,
            "name": stem(mood.filename),
            "role": "bgm",
            "volume": volume,
            "fade_in": min(FADE_IN, length // 4),
            "fade_out": min(FADE_OUT, length // 4),
        }
    else:
        length, meta = total, music_meta(mood if mood in MOODS else "calm", volume, total)
    if length <= 0:
        return draft
    track = new_track(draft, AUDIO, "BGM", [{"s": 0, "d": length, "m": meta}], volume=volume)
    return put_track(draft, track)


def with_title(draft: Draft, text: str) -> Draft:
    """The draft with a title over its first seconds."""
    length = min(TITLE_MS, draft.d)
    if length <= 0 or not text.strip():
        return draft
    # Script videos centre their captions; a centred title would be drawn over them.
    crowded = any(
        seg.m.get("position") == "center" and seg.s < length
        for _, seg in text_segments(draft, "caption")
    )
    position = "top" if crowded else "center"
    meta = {"text": text.strip()[:SHOWN_TEXT], "style": "title", "position": position}
    return put_track(draft, new_track(draft, TEXT, "Title", [{"s": 0, "d": length, "m": meta}]))


def with_captions(
    draft: Draft, texts: Sequence[tuple[int, int, str]], position: str = "bottom"
) -> Draft:
    """The draft with a captions track; each caption is (start ms, length ms, text)."""
    segs = [
        {
            "s": s,
            "d": d,
            "m": {"text": text.strip()[:SHOWN_TEXT], "style": "caption", "position": position},
        }
        for s, d, text in texts
        if d > 0 and text.strip()
    ]
    return put_track(draft, new_track(draft, TEXT, "Captions", segs)) if segs else draft


def caption_text(
    name: str, index: int, language: str, prefix: str | None = None, workflow: str = ""
) -> str:
    """A caption for picture `index` (0-based): its name less the shared prefix, else a tagline."""
    pretty = pretty_name(name)
    if pretty and prefix and pretty.lower().startswith(prefix.lower()):
        pretty = pretty[len(prefix) :].strip() or None
    if pretty:
        return pretty
    lang = "zh" if is_zh(language) else "en"
    lines = TAGLINES.get(f"{workflow}.{lang}", TAGLINES[lang])
    return lines[index % len(lines)]


def with_voice(
    draft: Draft, voices: Sequence[tuple[int, int, AgentAsset]], volume: int = 100
) -> Draft:
    """The draft with a voiceover track; each voice is (start ms, length ms, asset)."""
    segs = [
        {
            "s": s,
            "d": d,
            "m": {"src": a.id, "name": "Voiceover", "role": "voiceover", "volume": volume},
        }
        for s, d, a in voices
        if d > 0
    ]
    if not segs:
        return draft
    return put_track(draft, new_track(draft, AUDIO, "Voiceover", segs, volume=volume))
