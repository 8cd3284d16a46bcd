"""A proportional text drawing of a draft's tracks, for the terminal.

          0s              5s             10s
          +---------------+----------------+
    Video [city timelapse                 ]
    BGM   [Lo-fi 35%                      ]
    Title ["Urban ]

One row per track under a time ruler; each segment is a box as wide as its share of the total
time (at least one column), named as the summary names it. Wide (CJK) characters count as two
columns, so the rows stay aligned. The width is kept between 32 and 400 columns.
"""

from __future__ import annotations

import unicodedata

from vidskill.timeline_model import Draft, Segment, Track
from vidskill.timeline_text import seconds, segment_name, track_labels
from vidskill.timeline_words import is_chinese, words

MIN_WIDTH = 32
MAX_WIDTH = 400
_LABEL_MAX = 14
_TICK_GAP = 8
_NO_TRACKS = {"en": "(no tracks)", "zh": "（无轨道）"}


def draw(draft: Draft, width: int = 72, lang: str = "en") -> str:
    """The tracks of a draft drawn to scale in `width` columns, under a time ruler."""
    if not draft.tracks:
        return _NO_TRACKS["zh" if is_chinese(lang) else "en"]
    width = max(MIN_WIDTH, min(width, MAX_WIDTH))
    labels = [_fit(_printable(label), _LABEL_MAX) for label in track_labels(draft, lang)]
    label_width = max(_text_width(label) for label in labels)
    cells = width - label_width - 2
    total = max(draft.end_ms, *(track.end_ms for track in draft.tracks), 1)
    indent = " " * (label_width + 1)
    ruler = _ruler(total, cells, words(lang)["seconds"])
    rows = [
        (_pad(label, label_width) + " " + _bar(track, total, cells, lang)).rstrip()
        for track, label in zip(draft.tracks, labels, strict=True)
    ]
    return "\n".join([indent + ruler[0], indent + ruler[1], *rows])


def _bar(track: Track, total: int, cells: int, lang: str) -> str:
    row = [" "] * cells
    for segment in track.segments:
        # Both ends round down, so back-to-back segments get back-to-back boxes.
        start = min(segment.start_ms * cells // total, cells - 1)
        end = min(max(segment.end_ms * cells // total, start + 1), cells)
        _paint(row, start, _box(_name(segment, track, lang), end - start))
    return "".join(row)


def _name(segment: Segment, track: Track, lang: str) -> str:
    name = segment_name(segment, lang)
    volume = segment.volume if segment.volume is not None else track.volume
    return f"{name} {volume}%" if track.kind == "audio" and volume is not None else name


def _box(name: str, size: int) -> list[str]:
    """A segment drawn in `size` columns, one list item per column."""
    if size == 1:
        return ["|"]
    return ["[", *_columns(name, size - 2), "]"]


def _columns(text: str, size: int) -> list[str]:
    """Text cut or padded to exactly `size` columns; a wide character fills two."""
    out: list[str] = []
    for char in _printable(text):
        step = _char_width(char)
        if step == 0:
            continue
        if len(out) + step > size:
            break
        out += [char] + [""] * (step - 1)
    return out + [" "] * (size - len(out))


def _paint(row: list[str], start: int, columns: list[str]) -> None:
    end = start + len(columns)
    row[start:end] = columns
    # A wide character cut in half at either edge of the new box becomes a space.
    for index in (start - 1, end):
        if 0 <= index < len(row):
            cell = row[index]
            orphan = cell == "" and (index == 0 or _char_width(row[index - 1]) != 2)
            halved = _char_width(cell) == 2 and (index + 1 >= len(row) or row[index + 1] != "")
            if orphan or halved:
                row[index] = " "


def _ruler(total: int, cells: int, unit: str) -> tuple[str, str]:
    """The tick labels and the tick line for `total` ms drawn in `cells` columns."""
    step = _step(total, cells)
    ticks = [*range(0, total, step), total]
    marks = ["-"] * (cells + 1)
    names = [" "] * (cells + 1)
    last_end = -1
    for index, ms in enumerate(ticks):
        column = ms * cells // total
        marks[column] = "+"
        name = unit.format(value=seconds(ms))
        size = _text_width(name)
        where = column if index < len(ticks) - 1 else max(0, cells + 1 - size)
        if where > last_end and where + size <= cells + 1:
            names[where : where + size] = _columns(name, size)
            last_end = where + size
    return "".join(names).rstrip(), "".join(marks)


def _step(total: int, cells: int) -> int:
    """The smallest round tick step (1, 2 or 5 times a power of ten ms) that leaves room."""
    magnitude = 100
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * cells >= _TICK_GAP * total:
                return step
        magnitude *= 10


def _fit(text: str, size: int) -> str:
    if _text_width(text) <= size:
        return text
    return "".join(_columns(text, size - 1)).rstrip() + "…"


def _pad(text: str, size: int) -> str:
    return text + " " * (size - _text_width(text))


def _printable(text: str) -> str:
    return "".join(char if char.isprintable() else " " for char in text)


def _text_width(text: str) -> int:
    return sum(_char_width(char) for char in _printable(text))


def _char_width(char: str) -> int:
    if not char or unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
