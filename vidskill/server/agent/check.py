"""The draft contract (DRAFT.md) as a list of problems, so any part can check a draft."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from vidskill.server.agent.draft import (
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
    TEXT_LIMIT,
    TEXT_POSITIONS,
    TRANSITIONS,
)

COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


def check_draft(draft: object, known: Collection[str] | None = None) -> list[str]:
    """Every way `draft` breaks DRAFT.md; `known` asset ids also check each segment's source."""
    if not isinstance(draft, Mapping):
        return ["the draft is not an object"]
    problems = _check_meta(draft.get("m"))
    tracks = draft.get("t")
    if not isinstance(tracks, list):
        return [*problems, "t is not a list"]
    track_ids: set[str] = set()
    seg_ids: set[str] = set()
    ends: list[int] = []
    main_seen = False
    for i, track in enumerate(tracks):
        where = f"track {i + 1}"
        if not isinstance(track, Mapping):
            problems.append(f"{where} is not an object")
            continue
        problems += _unique(track.get("id"), track_ids, where)
        is_main = track.get("tt") == 0 and not main_seen
        main_seen = main_seen or is_main
        problems += _check_track(track, where, is_main, known, seg_ids, ends)
    problems += _check_duration(draft.get("d"), ends)
    return problems


def _check_meta(meta: object) -> list[str]:
    if not isinstance(meta, Mapping):
        return ["m is not an object"]
    problems = []
    if (meta.get("width"), meta.get("height")) not in CANVASES.values():
        problems.append(f"canvas {meta.get('width')}x{meta.get('height')} is not allowed")
    if meta.get("fps") != 30:
        problems.append("fps is not 30")
    if not isinstance(meta.get("title"), str):
        problems.append("title is not text")
    return problems


def _check_duration(d: object, ends: list[int]) -> list[str]:
    if not _ms(d) or not isinstance(d, int) or d > MAX_DURATION_MS:
        return [f"d {d!r} is not a duration in ms up to {MAX_DURATION_MS}"]
    if len(ends) > MAX_SEGMENTS:
        return [f"{len(ends)} segments is more than {MAX_SEGMENTS}"]
    if ends and d != max(ends):
        return [f"d {d} is not the end of the longest track ({max(ends)})"]
    return []


def _unique(value: object, seen: set[str], where: str) -> list[str]:
    if not isinstance(value, str) or not value:
        return [f"{where} has no id"]
    if value in seen:
        return [f"{where}: id {value!r} is used twice"]
    seen.add(value)
    return []


def _ms(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_head(track: Mapping[str, Any], where: str) -> list[str]:
    """What is wrong with a track's type, name and segment list."""
    tt, meta = track.get("tt"), track.get("m")
    if tt not in (0, 1, 7):
        return [f"{where}: tt {tt!r} is not 0, 1 or 7"]
    if not isinstance(meta, Mapping) or not isinstance(meta.get("name"), str):
        return [f"{where}: m.name is missing"]
    if not isinstance(track.get("sg"), list):
        return [f"{where}: sg is not a list"]
    if tt == 1 and "volume" in meta and not _percent(meta["volume"]):
        return [f"{where}: volume {meta['volume']!r} is not 0-100"]
    return []


def _check_track(
    track: Mapping[str, Any],
    where: str,
    is_main: bool,
    known: Collection[str] | None,
    seg_ids: set[str],
    ends: list[int],
) -> list[str]:
    problems = _check_head(track, where)
    if problems:
        return problems
    start = 0
    for j, seg in enumerate(track["sg"]):
        spot = f"{where} segment {j + 1}"
        if not isinstance(seg, Mapping):
            problems.append(f"{spot} is not an object")
            continue
        problems += _unique(seg.get("id"), seg_ids, spot)
        problems += _check_times(seg, spot, start if is_main else None, ends)
        problems += _check_seg_meta(int(track["tt"]), seg.get("m"), spot, is_main, known)
        if isinstance(seg.get("s"), int) and isinstance(seg.get("d"), int):
            start = seg["s"] + seg["d"]
    return problems


def _check_times(
    seg: Mapping[str, Any], spot: str, expected: int | None, ends: list[int]
) -> list[str]:
    s, d = seg.get("s"), seg.get("d")
    if not _ms(s) or not _ms(d) or not isinstance(d, int) or d <= 0:
        return [f"{spot}: s {s!r} / d {d!r} are not ms with d > 0"]
    assert isinstance(s, int)
    ends.append(s + d)
    if expected is not None and s != expected:
        return [f"{spot}: starts at {s}, not back to back at {expected}"]
    return []


def _percent(value: object) -> bool:
    return _ms(value) and isinstance(value, int) and value <= 100


def _check_seg_meta(
    tt: int, meta: object, spot: str, is_main: bool, known: Collection[str] | None
) -> list[str]:
    if not isinstance(meta, Mapping):
        return [f"{spot}: m is not an object"]
    if tt == 0:
        return _check_picture(meta, spot, is_main, known)
    if tt == 1:
        return _check_sound(meta, spot, known)
    return _check_text(meta, spot)


def _bad_choice(meta: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> bool:
    return key in meta and meta[key] not in allowed


def _check_picture(
    meta: Mapping[str, Any], spot: str, is_main: bool, known: Collection[str] | None
) -> list[str]:
    problems = []
    kind = meta.get("kind", "image")
    choices = {"kind": KINDS, "fit": FITS, "motion": MOTIONS, "transition": TRANSITIONS}
    if not is_main:
        choices["position"] = CORNERS
    problems += [
        f"{spot}: {key} {meta[key]!r}" for key, ok in choices.items() if _bad_choice(meta, key, ok)
    ]
    if kind == "color":
        if not isinstance(meta.get("color"), str) or not COLOR.fullmatch(meta["color"]):
            problems.append(f"{spot}: colour card without a #RRGGBB colour")
    else:
        problems += _check_src(meta.get("src"), spot, known, music=False)
    if "volume" in meta and not _percent(meta["volume"]):
        problems.append(f"{spot}: volume {meta['volume']!r} is not 0-100")
    return problems


def _check_sound(meta: Mapping[str, Any], spot: str, known: Collection[str] | None) -> list[str]:
    problems = _check_src(meta.get("src"), spot, known, music=True)
    if _bad_choice(meta, "role", ROLES):
        problems.append(f"{spot}: role {meta['role']!r}")
    if "volume" in meta and not _percent(meta["volume"]):
        problems.append(f"{spot}: volume {meta['volume']!r} is not 0-100")
    for key in ("fade_in", "fade_out", "in"):
        if key in meta and not _ms(meta[key]):
            problems.append(f"{spot}: {key} {meta[key]!r} is not ms")
    return problems


def _check_text(meta: Mapping[str, Any], spot: str) -> list[str]:
    problems = []
    if not isinstance(meta.get("text"), str) or not meta["text"].strip():
        problems.append(f"{spot}: no text")
    elif len(meta["text"]) > TEXT_LIMIT:
        problems.append(f"{spot}: text longer than {TEXT_LIMIT} characters")
    if _bad_choice(meta, "style", STYLES):
        problems.append(f"{spot}: style {meta['style']!r}")
    if _bad_choice(meta, "position", TEXT_POSITIONS):
        problems.append(f"{spot}: position {meta['position']!r}")
    return problems


def _check_src(src: object, spot: str, known: Collection[str] | None, *, music: bool) -> list[str]:
    if not isinstance(src, str) or not src:
        return [f"{spot}: no src"]
    if music and src.startswith(MUSIC_PREFIX):
        mood = src[len(MUSIC_PREFIX) :]
        return [] if mood in MOODS else [f"{spot}: unknown music mood {mood!r}"]
    if known is not None and src not in known:
        return [f"{spot}: unknown src {src!r}"]
    return []
