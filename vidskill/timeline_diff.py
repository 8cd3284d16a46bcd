"""What changed between two drafts, as lines a user can read (English or Chinese).

Tracks are paired by id when both drafts give unique ids, else by label in order; segments the
same way, with leftovers paired in order so a replaced music bed reads as "Music: Lo-fi →
Upbeat" rather than a removal and an addition. Many segments changed the same way (every clip
retimed after "make it 15 seconds") collapse into one line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from math import gcd

from vidskill.timeline_model import Draft, Segment, Track
from vidskill.timeline_text import (
    describe,
    is_chinese,
    seconds,
    segment_name,
    track_labels,
    volume_of,
    words,
)

_EN = {
    "created": "New timeline with no tracks yet",
    "added_track": "Added track: {what}",
    "removed_track": "Removed track: {what}",
    "duration": "Duration: {old} → {new}",
    "canvas": "Canvas: {old} → {new}",
    "title": "Project title: {old} → {new}",
    "volume": "{label} volume: {old} → {new}",
    "text": "{label} text: {old} → {new}",
    "music": "Music: {old} → {new}",
    "source": "{label}: {old} → {new}",
    "reordered": "{label}: order changed: {old} → {new}",
    "added": "{label}: added {what} ({range})",
    "removed": "{label}: removed {what} ({range})",
    "moved": "{label}: {what} now {new} (was {old})",
    "retimed": "{label}: timing of {count} segments changed",
    "field": "{label}: {what} {field}: {old} → {new}",
    "fields": "{label}: {field}: {old} → {new} ({count} segments)",
    "range": "{start}-{end}s",
    "unknown": "unknown",
    "default": "default",
    "motion": "motion",
    "transition": "transition",
    "position": "position",
}

_ZH = {
    "created": "新建时间轴，暂无轨道",
    "added_track": "新增轨道：{what}",
    "removed_track": "删除轨道：{what}",
    "duration": "时长：{old} → {new}",
    "canvas": "画布：{old} → {new}",
    "title": "项目标题：{old} → {new}",
    "volume": "{label}音量：{old} → {new}",
    "text": "{label}文字：{old} → {new}",
    "music": "音乐：{old} → {new}",
    "source": "{label}：{old} → {new}",
    "reordered": "{label}：顺序调整：{old} → {new}",
    "added": "{label}：新增 {what}（{range}）",
    "removed": "{label}：删除 {what}（{range}）",
    "moved": "{label}：{what} 改为 {new}（原为 {old}）",
    "retimed": "{label}：{count} 个片段的时间已调整",
    "field": "{label}：{what} 的{field}：{old} → {new}",
    "fields": "{label}：{field}：{old} → {new}（{count} 个片段）",
    "range": "{start}-{end}秒",
    "unknown": "未知",
    "default": "默认",
    "motion": "运动效果",
    "transition": "转场",
    "position": "位置",
}

_FIELDS = ("motion", "transition", "position")
_RETIMED_AFTER = 2


def diff(old: Draft | None, new: Draft, lang: str = "en") -> list[str]:
    """Human-readable changes from `old` to `new`; `None` means everything is new."""
    table = _ZH if is_chinese(lang) else _EN
    new_labels = track_labels(new, lang)
    if old is None:
        added = [
            table["added_track"].format(what=describe(t, label, lang))
            for t, label in zip(new.tracks, new_labels, strict=True)
        ]
        return added or [table["created"]]
    if old == new:
        return []
    old_labels = track_labels(old, lang)
    pairs, removed, added_ix = _pair(old.tracks, new.tracks, old_labels, new_labels)
    lines = _draft_changes(old, new, table, lang)
    lines += [
        table["removed_track"].format(what=describe(old.tracks[i], old_labels[i], lang))
        for i in removed
    ]
    lines += [
        table["added_track"].format(what=describe(new.tracks[j], new_labels[j], lang))
        for j in added_ix
    ]
    for i, j in sorted(pairs, key=lambda pair: pair[1]):
        lines += _track_changes(old.tracks[i], new.tracks[j], new_labels[j], table, lang)
    return list(dict.fromkeys(lines))


def _draft_changes(old: Draft, new: Draft, table: dict[str, str], lang: str) -> list[str]:
    lines: list[str] = []
    unit = words(lang)["seconds"]
    if old.end_ms != new.end_ms:
        old_s, new_s = (
            unit.format(value=seconds(old.end_ms)),
            unit.format(value=seconds(new.end_ms)),
        )
        lines.append(table["duration"].format(old=old_s, new=new_s))
    if (old.width, old.height) != (new.width, new.height):
        lines.append(table["canvas"].format(old=_canvas(old, table), new=_canvas(new, table)))
    if old.title != new.title:
        quote = words(lang)["quote"]
        lines.append(
            table["title"].format(old=quote.format(old.title), new=quote.format(new.title))
        )
    return lines


def _canvas(draft: Draft, table: dict[str, str]) -> str:
    if not draft.width or not draft.height:
        return table["unknown"]
    div = gcd(draft.width, draft.height)
    ratio_w, ratio_h = draft.width // div, draft.height // div
    size = f"{draft.width}x{draft.height}"
    return f"{size} ({ratio_w}:{ratio_h})" if max(ratio_w, ratio_h) <= 64 else size


def _pair(
    old: Sequence[Track], new: Sequence[Track], old_labels: Sequence[str], new_labels: Sequence[str]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs of (old index, new index), then unpaired old and unpaired new indexes."""
    by_id = _unique_keys([t.id for t in old], [t.id for t in new])
    if by_id is not None:
        return _match(by_id[0], by_id[1])
    old_keys = _occurrence_keys([(t.kind, label) for t, label in zip(old, old_labels, strict=True)])
    new_keys = _occurrence_keys([(t.kind, label) for t, label in zip(new, new_labels, strict=True)])
    return _match(old_keys, new_keys)


def _unique_keys(old: list[str], new: list[str]) -> tuple[list[str], list[str]] | None:
    ok = all(old) and all(new) and len(set(old)) == len(old) and len(set(new)) == len(new)
    return (old, new) if ok else None


def _occurrence_keys(values: Sequence[Hashable]) -> list[Hashable]:
    seen: Counter[Hashable] = Counter()
    keys: list[Hashable] = []
    for value in values:
        keys.append((value, seen[value]))
        seen[value] += 1
    return keys


def _match(
    old_keys: Sequence[Hashable], new_keys: Sequence[Hashable]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    new_index = {key: j for j, key in enumerate(new_keys)}
    pairs = [(i, new_index[key]) for i, key in enumerate(old_keys) if key in new_index]
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    removed = [i for i in range(len(old_keys)) if i not in paired_old]
    added = [j for j in range(len(new_keys)) if j not in paired_new]
    return pairs, removed, added


def _track_changes(
    old: Track, new: Track, label: str, table: dict[str, str], lang: str
) -> list[str]:
    lines: list[str] = []
    old_volume, new_volume = volume_of(old), volume_of(new)
    if old_volume != new_volume:
        lines.append(
            table["volume"].format(
                label=label, old=_percent(old_volume, table), new=_percent(new_volume, table)
            )
        )
    by_id = _unique_keys([s.id for s in old.segments], [s.id for s in new.segments])
    old_keys, new_keys = by_id if by_id is not None else (_positions(old), _positions(new))
    pairs, removed, added = _match(old_keys, new_keys)
    reordered = _reordered(old, new, pairs, by_id is not None)
    if reordered:
        lines.append(_reordered_line(old, new, label, table, lang))
        if by_id is None:
            # Without ids, positions pair different segments; the new order says it all.
            return lines
    # Leftovers pair in order: a replaced segment reads as a change, not a loss plus a gain.
    extra = min(len(removed), len(added))
    pairs += list(zip(removed[:extra], added[:extra], strict=True))
    lines += _segment_lines(old, new, pairs, label, table, lang, retimed=not reordered)
    lines += _added_removed(old, new, removed[extra:], added[extra:], label, table, lang)
    return lines


def _positions(track: Track) -> list[Hashable]:
    return list(range(len(track.segments)))


def _reordered(old: Track, new: Track, pairs: list[tuple[int, int]], keyed: bool) -> bool:
    if keyed:
        return [j for _, j in sorted(pairs)] != sorted(j for _, j in pairs)
    old_names = [segment_name(s) for s in old.segments]
    new_names = [segment_name(s) for s in new.segments]
    return old_names != new_names and sorted(old_names) == sorted(new_names)


def _reordered_line(old: Track, new: Track, label: str, table: dict[str, str], lang: str) -> str:
    sep = words(lang)["sep"]
    before = sep.join(segment_name(s, lang) for s in old.segments[:8])
    after = sep.join(segment_name(s, lang) for s in new.segments[:8])
    return table["reordered"].format(label=label, old=before, new=after)


def _segment_lines(
    old: Track,
    new: Track,
    pairs: list[tuple[int, int]],
    label: str,
    table: dict[str, str],
    lang: str,
    *,
    retimed: bool,
) -> list[str]:
    lines: list[str] = []
    moves: list[str] = []
    changes: Counter[tuple[str, str, str]] = Counter()
    first: dict[tuple[str, str, str], str] = {}
    numbered = len(new.segments) > 1
    for i, j in sorted(pairs, key=lambda pair: pair[1]):
        before, after = old.segments[i], new.segments[j]
        name = f"{label} {j + 1}" if numbered else label
        lines += _content_line(before, after, new, name, table, lang)
        if retimed and (before.start_ms, before.end_ms) != (after.start_ms, after.end_ms):
            moves.append(_move_line(before, after, label, table, lang))
        for key in _field_changes(before, after, table):
            changes[key] += 1
            first.setdefault(key, segment_name(after, lang))
    if len(moves) > _RETIMED_AFTER:
        moves = [table["retimed"].format(label=label, count=len(moves))]
    return lines + moves + _field_lines(changes, first, label, table)


def _content_line(
    before: Segment, after: Segment, track: Track, name: str, table: dict[str, str], lang: str
) -> list[str]:
    old_name, new_name = segment_name(before, lang), segment_name(after, lang)
    if old_name == new_name and before.src == after.src:
        return []
    if track.kind == "text":
        return [table["text"].format(label=name, old=old_name, new=new_name)]
    music = "bgm" in (before.role, after.role) or after.src.startswith("music:")
    if track.kind == "audio" and music:
        return [table["music"].format(old=old_name, new=new_name)]
    return [table["source"].format(label=name, old=old_name, new=new_name)]


def _move_line(
    before: Segment, after: Segment, label: str, table: dict[str, str], lang: str
) -> str:
    return table["moved"].format(
        label=label,
        what=segment_name(after, lang),
        new=_range(after, table),
        old=_range(before, table),
    )


def _range(segment: Segment, table: dict[str, str]) -> str:
    return table["range"].format(start=seconds(segment.start_ms), end=seconds(segment.end_ms))


def _field_changes(
    before: Segment, after: Segment, table: dict[str, str]
) -> list[tuple[str, str, str]]:
    return [
        (
            field,
            getattr(before, field) or table["default"],
            getattr(after, field) or table["default"],
        )
        for field in _FIELDS
        if getattr(before, field) != getattr(after, field)
    ]


def _field_lines(
    changes: Counter[tuple[str, str, str]],
    first: dict[tuple[str, str, str], str],
    label: str,
    table: dict[str, str],
) -> list[str]:
    lines: list[str] = []
    for (field, old, new), count in changes.items():
        values = {"label": label, "field": table[field], "old": old, "new": new}
        if count == 1:
            lines.append(table["field"].format(what=first[(field, old, new)], **values))
        else:
            lines.append(table["fields"].format(count=count, **values))
    return lines


def _added_removed(
    old: Track,
    new: Track,
    removed: list[int],
    added: list[int],
    label: str,
    table: dict[str, str],
    lang: str,
) -> list[str]:
    lines = [
        table["removed"].format(
            label=label,
            what=segment_name(old.segments[i], lang),
            range=_range(old.segments[i], table),
        )
        for i in removed
    ]
    lines += [
        table["added"].format(
            label=label,
            what=segment_name(new.segments[j], lang),
            range=_range(new.segments[j], table),
        )
        for j in added
    ]
    return lines


def _percent(volume: int | None, table: dict[str, str]) -> str:
    return table["default"] if volume is None else f"{volume}%"
