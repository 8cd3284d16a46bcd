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
from vidskill.timeline_text import describe, seconds, segment_name, track_labels, volume_of
from vidskill.timeline_words import change_words, words

_FIELDS = ("motion", "transition", "position")
_RETIMED_AFTER = 2


def diff(old: Draft | None, new: Draft, lang: str = "en") -> list[str]:
    """Human-readable changes from `old` to `new`; `None` means everything is new."""
    table = change_words(lang)
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
    names = _distinct(new_labels, table)
    for i, j in sorted(pairs, key=lambda pair: pair[1]):
        lines += _track_changes(old.tracks[i], new.tracks[j], names[j], table, lang)
    return list(dict.fromkeys(lines))


def _distinct(labels: Sequence[str], table: dict[str, str]) -> list[str]:
    """Labels that name one track each: a shared label gets the track's number."""
    counts = Counter(labels)
    return [
        table["track_number"].format(label=label, number=index) if counts[label] > 1 else label
        for index, label in enumerate(labels, start=1)
    ]


def _draft_changes(old: Draft, new: Draft, table: dict[str, str], lang: str) -> list[str]:
    lines: list[str] = []
    unit, quote = words(lang)["seconds"], words(lang)["quote"]
    if old.end_ms != new.end_ms:
        before, after = (unit.format(value=seconds(d.end_ms)) for d in (old, new))
        lines.append(table["duration"].format(old=before, new=after))
    if (old.width, old.height) != (new.width, new.height):
        lines.append(table["canvas"].format(old=_canvas(old, table), new=_canvas(new, table)))
    if old.title != new.title:
        before, after = quote.format(old.title), quote.format(new.title)
        lines.append(table["title"].format(old=before, new=after))
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
        name = table["numbered"].format(label=label, number=j + 1) if numbered else label
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
