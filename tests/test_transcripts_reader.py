"""Reading transcripts: our JSONL, Markdown and plain chats, ADK replay files (a data table)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from transcripts_support import GOLDEN, golden_path, no_tokens_in_journals

from vidskill.errors import UsageError
from vidskill.transcripts import read
from vidskill.transcripts.reader import parse

__all__ = ["no_tokens_in_journals"]
CASES: list[dict[str, Any]] = yaml.safe_load((GOLDEN / "formats.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_each_format_gives_its_user_turns(case: dict[str, Any]) -> None:
    found = read(GOLDEN / "formats" / case["file"])

    assert found.format == case["format"] and found.torn == case.get("torn", False)
    assert found.skill == case.get("skill")
    fields = [(("utterance", t.utterance), ("attachments", list(t.attachments)), ("said", t.said))
              for t in found.turns]  # fmt: skip
    got = [{k: v for k, v in turn if v} for turn in fields]
    assert got == case["turns"]
    assert [t.number for t in found.turns] == list(range(1, len(case["turns"]) + 1))


def test_an_adk_file_keeps_its_state_apart() -> None:
    found = read(GOLDEN / "formats" / "adk.json")
    assert found.state == {"project": "shoe"}


def test_a_journal_turn_keeps_its_recorded_layers() -> None:
    found = read(golden_path("ai-product-video", "en"))
    create = found.turns[1]
    assert create.event is not None and create.route is not None
    assert create.route["intent"] == "chat" and create.event["timeline"].startswith("Timeline")
    assert found.header["schema"] == 1 and found.header["skill"]["name"] == "ai-product-video"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "journal"}\nnot json\n{"type": "turn"}\n', "2: not a JSON line"),
        ("Just some notes.\nNo speakers here.\n", "no user turns found"),
        ('{"queries": "hi"}', "a list of strings"),
    ],
)
def test_an_unreadable_transcript_says_why(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse(text, tmp_path / "t")


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="Cannot read the transcript"):
        read(tmp_path / "missing.jsonl")
