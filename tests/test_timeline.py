"""The draft model against golden files: parsing, summaries, diffs, drawings, the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, ROOT

from vidskill.errors import DraftError
from vidskill.timeline import (
    Draft,
    Segment,
    Track,
    diff,
    draw,
    find_draft,
    parse_draft,
    seconds,
    summary,
)

FOLDER = DATA / "timeline"
EXPECTED: dict[str, Any] = yaml.safe_load((FOLDER / "expected.yaml").read_text("utf-8"))
DOCUMENTED = (
    "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
    '3. Title: "Urban Dreams" (0-3s)'
)


def load(name: str) -> Draft:
    return parse_draft(find_draft(json.loads((FOLDER / name).read_text("utf-8"))))


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_the_documented_summary_comes_out_of_the_matching_draft() -> None:
    assert summary(load("documented.json")) == DOCUMENTED


@pytest.mark.parametrize("ms, shown", EXPECTED["seconds"])
def test_seconds(ms: int, shown: str) -> None:
    assert seconds(ms) == shown


@pytest.mark.parametrize("case", EXPECTED["summaries"], ids=lambda case: case["file"])
def test_summary(case: dict[str, Any]) -> None:
    draft = load(case["file"])
    assert summary(draft) == case["en"]
    assert summary(draft, "zh-CN") == case["zh"]
    assert len(draft.tracks) == case["tracks"]
    assert draft.has_segments is case["has_segments"]
    assert draft.end_ms == case["duration_ms"]
    assert draft.ignored == case["ignored"]


@pytest.mark.parametrize(
    "case", EXPECTED["diffs"], ids=lambda case: f"{case['old']}->{case['new']}"
)
def test_diff(case: dict[str, Any]) -> None:
    old = load(case["old"]) if case["old"] else None
    new = load(case["new"])
    assert diff(old, new) == case["en"]
    assert diff(old, new, "zh-CN") == case["zh"]


@pytest.mark.parametrize("case", EXPECTED["drawings"], ids=lambda case: case["file"])
def test_drawing(case: dict[str, Any]) -> None:
    drawing = draw(load(case["file"]), case["width"], case["lang"])
    assert drawing.split("\n") == case["lines"]
    assert all(columns(line) <= case["width"] for line in drawing.split("\n"))


def test_every_file_in_the_folder_has_a_golden_summary() -> None:
    files = {path.name for path in FOLDER.glob("*.json")}
    assert files == {case["file"] for case in EXPECTED["summaries"]}


@pytest.mark.parametrize("value", [[], "draft", None, 3, 2.5, True, ["t"]])
def test_a_draft_that_is_not_an_object_is_a_draft_error(value: object) -> None:
    with pytest.raises(DraftError, match="must be a JSON object"):
        parse_draft(value)


def test_missing_keys_read_as_an_empty_draft() -> None:
    assert parse_draft({}) == Draft()
    assert parse_draft({"t": None, "d": None, "m": None}) == Draft()
    assert not Draft().has_segments


def test_has_segments_needs_a_segment_not_just_a_track() -> None:
    assert not parse_draft({"t": [{"tt": 0, "sg": []}, {"tt": 7}]}).has_segments
    assert parse_draft({"t": [{"tt": 7}, {"tt": 1, "sg": [{}]}]}).has_segments


def test_unknown_track_types_stay_explicit() -> None:
    draft = parse_draft({"t": [{"tt": 5, "sg": [{"s": 0, "d": 1000}]}, {"tt": "sticker"}]})
    assert [(t.kind, t.tt) for t in draft.tracks] == [("unknown", 5), ("unknown", None)]
    assert (
        summary(draft) == "Timeline (2 tracks): 1. Track (type 5): untitled (0-1s) 2. Track: empty"
    )


def test_wrong_types_read_as_missing_and_numbers_as_numbers() -> None:
    segments = [
        {"s": "1500", "d": 2500.6, "m": {"role": "BGM", "text": {"a": 1}}},
        {"d": 1e400},
        {"d": "nan"},
        3,
        None,
    ]
    raw = {"id": 7, "tt": "1", "m": {"name": ["x"], "volume": "35"}, "sg": segments}
    draft = parse_draft({"t": [raw]})
    assert draft.ignored == 2
    assert draft.tracks[0] == Track(
        id="7",
        kind="audio",
        tt=1,
        volume=35,
        segments=(
            Segment(start_ms=1500, duration_ms=2501, role="bgm"),
            Segment(start_ms=4001),
            Segment(start_ms=4001),
        ),
    )


def test_segments_without_a_start_follow_the_one_before() -> None:
    draft = parse_draft({"t": [{"tt": 0, "sg": [{"d": 2000}, {"d": 3000}, {"s": 9000, "d": 1}]}]})
    assert [(s.start_ms, s.end_ms) for s in draft.tracks[0].segments] == [
        (0, 2000),
        (2000, 5000),
        (9000, 9001),
    ]


@pytest.mark.parametrize(
    "wrapped",
    [
        {"d": 1000},
        {"state": {"draft": {"d": 1000}}},
        {"code": 0, "message": "ok", "data": {"state": {"draft": {"d": 1000}}}},
        {"success": True, "data": {"session_id": "s", "state": {"draft": '{"d": 1000}'}}},
        '{"draft": {"d": 1000}}',
    ],
)
def test_find_draft_unwraps_envelopes_states_and_strings(wrapped: object) -> None:
    assert parse_draft(find_draft(wrapped)).duration_ms == 1000


def test_find_draft_leaves_what_is_not_a_draft_to_parse_draft() -> None:
    assert find_draft({"state": {"draft": None}}) == {}
    assert find_draft("not json") == "not json"
    with pytest.raises(DraftError):
        parse_draft(find_draft({"code": 0, "data": "[1, 2]"}))


def test_the_drawing_is_proportional() -> None:
    draft = parse_draft(
        {"d": 10000, "t": [{"tt": 0, "sg": [{"s": 0, "d": 5000, "m": {"name": "a"}},
                                             {"s": 5000, "d": 5000, "m": {"name": "b"}}]},
                           {"tt": 7, "sg": [{"s": 7500, "d": 2500, "m": {"text": "end"}}]}]}
    )  # fmt: skip
    ruler, ticks, video, text = draw(draft, 46).split("\n")
    bar = video.index("[")
    cells = len(ticks) - bar - 1
    assert video[bar + cells // 2] == "[" and video.endswith("]")
    assert text.index("[") == bar + cells * 3 // 4
    assert ticks[bar] == "+" and ticks.endswith("+")
    assert ruler.split() == ["0s", "5s", "10s"]
    assert ticks.count("+") == 3


@pytest.mark.parametrize("width, expected", [(-5, 32), (0, 32), (10**9, 400)])
def test_the_drawing_width_is_clamped(width: int, expected: int) -> None:
    lines = draw(load("showcase.json"), width).split("\n")
    assert max(columns(line) for line in lines) == expected


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "vidskill", "timeline", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=60,
        check=False,
    )  # fmt: skip


@pytest.mark.parametrize("name", ["documented.json", "state_payload.json", "envelope_string.json"])
def test_cli_prints_the_summary_then_the_drawing(name: str) -> None:
    done = _cli(str(FOLDER / name), "--width", "60")
    assert done.returncode == 0, done.stderr
    draft = load(name)
    assert done.stdout == f"{summary(draft)}\n\n{draw(draft, 60)}\n"


def test_cli_json_and_changes_since_an_older_draft() -> None:
    done = _cli(str(FOLDER / "documented_music.json"), "--since",
                str(FOLDER / "documented.json"), "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["summary"] == summary(load("documented_music.json"))
    assert data["changes"] == ["BGM volume: 35% → 20%", "Music: Lo-fi → Upbeat"]
    assert data["has_segments"] is True and data["duration_ms"] == 10000
    assert [track["label"] for track in data["tracks"]] == ["Video", "BGM", "Title"]


def test_cli_plain_changes_in_chinese() -> None:
    done = _cli(str(FOLDER / "documented_music.json"), "--since",
                str(FOLDER / "documented.json"), "--lang", "zh-CN")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("变化：\n  - 背景音乐音量：35% → 20%\n  - 音乐：Lo-fi → Upbeat\n")


def test_cli_missing_file_is_a_one_line_usage_error(tmp_path: Path) -> None:
    done = _cli(str(tmp_path / "nope.json"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"vidskill: no such file: {tmp_path / 'nope.json'}\n"


def test_cli_folder_is_a_usage_error(tmp_path: Path) -> None:
    done = _cli(str(tmp_path))
    assert done.returncode == 2
    assert done.stderr == f"vidskill: {tmp_path} is a folder, not a JSON file\n"


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "is not valid JSON (line 1, column 2: "),
        ("[1, 2]", ": a draft must be a JSON object, not a list"),
        ('{"state": {"draft": "oops"}}', ": a draft must be a JSON object, not a string"),
    ],
)
def test_cli_invalid_draft_is_a_one_line_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "draft.json"
    path.write_text(content, encoding="utf-8")
    done = _cli(str(path))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert done.stderr.startswith(f"vidskill: {path}")


def test_cli_error_with_json_prints_an_error_object(tmp_path: Path) -> None:
    done = _cli(str(tmp_path / "nope.json"), "--json")
    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert error == {"type": "UsageError", "message": f"no such file: {tmp_path / 'nope.json'}"}
