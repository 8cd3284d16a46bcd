"""Checking a replay against its recording: masks, layers, frame tolerance, readable diffs."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from transcripts_support import GOLDEN, golden_path, no_tokens_in_journals

from vidskill.transcripts import compare, mask, read
from vidskill.transcripts.check import LAYERS, same
from vidskill.transcripts.reader import Turn

__all__ = ["no_tokens_in_journals"]
MASKS: list[dict[str, str]] = yaml.safe_load((GOLDEN / "mask_cases.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", MASKS, ids=[c["text"][:30] for c in MASKS])
def test_volatile_values_are_masked(case: dict[str, str]) -> None:
    assert mask(case["text"]) == case["masked"]


def recorded() -> tuple[Turn, ...]:
    return read(golden_path("ai-product-video", "en")).turns


def events() -> list[dict[str, Any]]:
    return [copy.deepcopy(dict(t.event or {})) for t in recorded()]


def test_a_replay_equal_but_for_volatile_values_checks_clean() -> None:
    run = events()
    for event in run:
        event["session_id"] = "sess_ffffffffffffffffffff"
        event["at"] = "2030-01-01T00:00:00Z"
    assert compare(recorded(), run) == []


@pytest.mark.parametrize(
    ("turn", "layer", "change"),
    [
        (1, "route", lambda e: e["route"].update(intent="chat")),
        (1, "actions", lambda e: e["actions"].append("upload: extra.png")),
        (2, "shown", lambda e: e.update(shown=e["shown"] + " And more.")),
        (2, "shown", lambda e: e["outputs"].append({"type": "notice", "text": "Session lost"})),
        (3, "timeline", lambda e: e["draft"]["t"][1]["m"].update(volume=45)),
        (4, "timeline", lambda e: e.update(timeline="Timeline (0 tracks)")),
        (4, "files", lambda e: e["files"].append("./Shoe.mp4")),
    ],
)
def test_a_change_is_named_by_its_turn_and_layer(turn: int, layer: str, change: Any) -> None:
    run = events()
    change(run[turn - 1])
    found = compare(recorded(), run)
    assert [(d.turn, d.layer) for d in found] == [(turn, layer)]
    text = found[0].describe()
    assert text.startswith(f"turn {turn} «") and f"{layer} differs" in text
    assert "- recorded:" in text or "+ replayed:" in text


def test_times_within_a_frame_match_and_beyond_it_differ() -> None:
    assert same('"d": 1517ms', '"d": 1507ms') and same("took 5000ms", "took 4970ms")
    assert not same('"d": 1517ms', '"d": 1560ms') and not same('"d": 1517ms', '"s": 1517ms')
    run = events()
    segment = run[2]["draft"]["t"][0]["sg"][0]
    segment["d"] += 20
    assert compare(recorded(), run) == []
    segment["d"] += 40
    assert [(d.turn, d.layer) for d in compare(recorded(), run)] == [(3, "timeline")]


def test_turns_not_replayed_are_differences() -> None:
    found = compare(recorded(), events()[:2])
    assert [(d.turn, d.layer) for d in found] == [(3, "turn"), (4, "turn")]


def test_a_plain_transcript_is_checked_on_the_assistant_text_only() -> None:
    plain = (Turn(1, "hi", said="Hello there."),)
    assert compare(plain, [{"shown": "Hello there.", "route": {"intent": "x"}}]) == []
    found = compare(plain, [{"shown": "Hi!"}])
    assert [(d.turn, d.layer) for d in found] == [(1, "shown")]
    assert set(LAYERS) >= {d.layer for d in found}
