"""The chat prompt's completer, as pure functions of a Document, over real folders."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA
from prompt_toolkit.completion import CompleteEvent, Completion
from prompt_toolkit.document import Document

from vidskill.repl.completer import ChatCompleter, Entry, completions, words
from vidskill.router import route

CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "repl_completions.yaml").read_text("utf-8"))


def make_tree(folder: Path, names: list[str]) -> None:
    """Create the files and folders of a case (a trailing slash makes a folder)."""
    for name in names:
        path = folder / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x")


def applied(line: str, completion: Completion) -> str:
    """The line after a completion replaces the word before the cursor."""
    return line[: len(line) + completion.start_position] + completion.text


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder."""
    root = tmp_path / "cwd"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_completion_case(case: dict[str, Any], folder: Path, private_home: Path) -> None:
    make_tree(folder, case.get("tree", []))
    make_tree(private_home, case.get("home", []))
    line = case["line"].replace("{root}", str(folder))
    found = completions(Document(line), skills=case.get("skills", ()))
    expected = [text.replace("{root}", str(folder)) for text in case["expect"]]
    assert [applied(line, c) for c in found] == expected


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.get("tree") and any(not e.endswith(("/", '"')) for e in c["expect"])],
    ids=lambda case: case["name"],
)
def test_completed_files_route_as_uploads(case: dict[str, Any], folder: Path) -> None:
    make_tree(folder, case["tree"])
    line = case["line"].replace("{root}", str(folder))
    for completion in completions(Document(line)):
        if completion.text.endswith("/"):
            continue
        intent = route(applied(line, completion), exists=os.path.exists)
        names = [Path(f).name for f in intent.files]
        assert intent.kind == "upload", applied(line, completion)
        assert completion.display_text in names


def test_words_keep_quotes_escapes_and_offsets() -> None:
    line = '/upload "a b.png" c\\ d.png \'e'
    found = words(line)
    assert [(w.start, w.value, w.quote, w.escaped) for w in found] == [
        (0, "/upload", "", False),
        (8, "a b.png", "", False),
        (18, "c d.png", "", True),
        (27, "e", "'", False),
    ]
    assert [line[w.start : w.start + len(w.raw)] for w in found] == [w.raw for w in found]


def test_the_cursor_decides_the_word() -> None:
    document = Document("/upload ./a.png tail", cursor_position=len("/upload ./a"))
    seen: list[str] = []

    def lister(folder: str) -> list[Entry]:
        seen.append(folder)
        return [Entry("a.png", False), Entry("ab.png", False)]

    found = [c.text for c in completions(document, list_dir=lister)]
    assert seen == ["./"]
    assert found == ["./a.png", "./ab.png"]


def test_completer_object_offers_bundled_skill_names(folder: Path) -> None:
    completer = ChatCompleter(skills=["ai-product-video", "online-photo-video-maker"])
    found = completer.get_completions(Document("/skill on"), CompleteEvent(text_inserted=True))
    assert [c.text for c in found] == ["online-photo-video-maker"]
