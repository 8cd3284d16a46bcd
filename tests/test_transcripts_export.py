"""Exporting transcripts (Markdown, normalised JSONL) and listing journals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from transcripts_support import GOLDEN, MEDIA, golden_path, no_tokens_in_journals, run_cli

from vidskill.cli import main
from vidskill.transcripts import read, to_jsonl, to_markdown
from vidskill.transcripts.journal import SCHEMA
from vidskill.transcripts.reader import parse

__all__ = ["no_tokens_in_journals"]


def test_markdown_reads_as_a_conversation_and_back_as_a_transcript(tmp_path: Path) -> None:
    golden = read(golden_path("ai-product-video", "en"))
    text = to_markdown(golden)

    assert text.startswith("# vidskill transcript\n") and "- Skill: ai-product-video" in text
    create = golden.turns[1].event
    assert create is not None
    assert f"Assistant: {create['shown']}" in text and f"> Timeline: {create['timeline']}" in text
    assert "> Route: upload (file: 2 files to upload)" in text
    again = parse(text, GOLDEN / "exported.md")
    assert [t.utterance for t in again.turns] == [t.utterance for t in golden.turns]
    assert [t.said for t in again.turns] == [
        (t.event or {}).get("shown") or None for t in golden.turns
    ]
    assert again.turns[0].attachments == golden.turns[0].attachments


def test_markdown_shows_the_backends_words_files_and_credits(tmp_path: Path) -> None:
    turn = {"type": "turn", "n": 1, "utterance": "export", "shown": "Exporting now.",
            "original": "Click the Export button.", "credits": {"before": 10, "after": 9},
            "outputs": [{"type": "file", "path": "./Shoe.mp4", "size": 2048}]}  # fmt: skip
    text = to_markdown(parse(json.dumps(turn), tmp_path / "t.jsonl"))
    assert "> Backend said: Click the Export button." in text
    assert "> File: ./Shoe.mp4 (2048 bytes)" in text and "> Credits: 10 → 9" in text


def test_normalised_jsonl_has_one_header_and_numbered_turns(tmp_path: Path) -> None:
    found = read(GOLDEN / "formats" / "torn.jsonl")
    lines = [json.loads(line) for line in to_jsonl(found).splitlines()]
    assert [line["type"] for line in lines] == ["journal", "turn", "turn"]
    assert lines[0]["schema"] == SCHEMA and lines[0]["source"] == "jsonl"
    assert [line["n"] for line in lines[1:]] == [1, 2]
    assert list(lines[1])[:6] == ["type", "n", "utterance", "attachments", "route", "shown"]


def test_a_markdown_chat_becomes_a_journal_with_portable_attachments(tmp_path: Path) -> None:
    found = read(GOLDEN / "formats" / "chat.md")
    lines = [json.loads(line) for line in to_jsonl(found, base=GOLDEN).splitlines()]
    assert lines[0]["source"] == "markdown"
    assert lines[1]["utterance"] == "media/shoe_front.jpg media/shoe_side.png"
    assert lines[1]["attachments"][0] == {"path": "media/shoe_front.jpg", "name": "shoe_front.jpg"}
    assert lines[2]["shown"] == "Created a 5-second product showcase.\nIt has music."
    outside = [json.loads(line) for line in to_jsonl(found, base=tmp_path).splitlines()]
    assert outside[1]["attachments"][0]["path"] == str(MEDIA / "shoe_front.jpg")


def test_transcript_export_writes_the_chosen_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(golden_path("picture-to-video-ai", "zh-CN"))
    out = tmp_path / "copy.jsonl"
    assert main(["transcript", "export", source, "--format", "jsonl", "-o", str(out)]) == 0
    copied = read(out)
    assert [t.utterance for t in copied.turns][1:] == [t.utterance for t in read(source).turns][1:]
    assert copied.turns[0].attachments[0] == str(MEDIA / "portrait.jpg")

    capsys.readouterr()
    assert main(["transcript", "export", source, "--format", "md"]) == 0
    assert "用户" not in capsys.readouterr().out.split("## Turn 2")[0]  # speakers are in English
    assert main(["transcript", "export", str(tmp_path / "none.md")]) == 2


def test_transcripts_lists_the_journals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "journals"
    folder.mkdir()
    (folder / "a.jsonl").write_text(to_jsonl(read(golden_path("ai-product-video", "en"))), "utf-8")
    (folder / "notes.txt").write_text("not a journal", "utf-8")
    monkeypatch.setenv("VIDSKILL_JOURNAL_DIR", str(folder))

    code, found = run_cli(capsys, "transcripts")

    assert code == 0 and found["dir"] == str(folder)
    (row,) = found["journals"]
    assert row["skill"] == "ai-product-video" and row["turns"] == 4 and not row["torn"]
    assert main(["transcripts"]) == 0
    assert f"4 turns  {folder / 'a.jsonl'}" in capsys.readouterr().out
