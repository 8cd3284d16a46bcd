"""Reading transcripts: our JSONL journals, plain or Markdown chats, ADK replay files.

Every format becomes a `Transcript`: the user's turns in order, each with what the recording
says came of it (`Expected`; `None` for a layer the format does not record). A journal's last
line may be torn (a process killed while writing it): it is left out and `torn` is set. A
Markdown or plain transcript has `User:` / `用户:` lines (and `Assistant:` / `助手:` lines to
check against); a block runs until the next speaker line, a heading, a `---` rule or a `> `
quote. ADK's `{"state": ..., "queries": [...]}` gives the queries; its state is kept but not
replayed. Attachments are paths relative to the transcript's folder, or absolute.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from vidskill.errors import UsageError

Format = Literal["jsonl", "markdown", "adk"]
_SPEAKER = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*|__)?(User|用户|Assistant|助手)\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?"
    r"\s?(.*)$",
    re.IGNORECASE,
)
_BLOCK_END = re.compile(r"^\s*(#|---|> )")
_USER = frozenset({"user", "用户"})


@dataclass(frozen=True)
class Turn:
    """One user turn of a transcript, and the journal line it came from (if any)."""

    number: int
    utterance: str
    attachments: tuple[str, ...] = ()
    route: Mapping[str, Any] | None = None
    event: Mapping[str, Any] | None = None  # the whole recorded turn line (journals only)
    said: str | None = None  # the assistant's text a plain transcript expects


@dataclass(frozen=True)
class Transcript:
    """A transcript's turns, where it came from, and what its header says."""

    path: Path
    format: Format
    turns: tuple[Turn, ...]
    header: Mapping[str, Any] = field(default_factory=dict)
    state: Mapping[str, Any] | None = None  # ADK's initial state (not replayed)
    torn: bool = False  # a torn last line was left out

    @property
    def skill(self) -> str | None:
        """The skill name the transcript was recorded with, if it says."""
        found = self.header.get("skill")
        return str(found["name"]) if isinstance(found, Mapping) and found.get("name") else None

    @property
    def folder(self) -> Path:
        """The folder relative attachments are resolved against."""
        return self.path.parent


def read(path: str | Path) -> Transcript:
    """Read a transcript in any supported format, or raise a `UsageError` saying why not."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read the transcript {path}: {exc}") from None
    return parse(text, path)


def parse(text: str, path: Path) -> Transcript:
    """A transcript from its text; `path` names it and anchors relative attachments."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        whole = _json_object(stripped)
        if whole is not None and "queries" in whole:
            return _adk(whole, path)
        return _jsonl(text, path)
    return _markdown(text, path)


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _jsonl(text: str, path: Path) -> Transcript:
    lines = [(i, line) for i, line in enumerate(text.split("\n")) if line.strip()]
    events, torn = [], False
    for index, line in lines:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            if index == lines[-1][0]:
                torn = True  # the last line, cut short while it was written
                continue
            raise UsageError(f"{path}:{index + 1}: not a JSON line of a vidskill journal") from None
        if isinstance(event, dict):
            events.append(event)
    header = next((e for e in events if e.get("type") == "journal"), {})
    turns = [e for e in events if e.get("type") == "turn"]
    return Transcript(path, "jsonl", tuple(_from_event(e, i + 1) for i, e in enumerate(turns)),
                      header=header, torn=torn)  # fmt: skip


def _from_event(event: Mapping[str, Any], number: int) -> Turn:
    attachments = tuple(
        str(a["path"] if isinstance(a, Mapping) else a) for a in event.get("attachments") or ()
    )
    route = event.get("route")
    return Turn(
        number=number,
        utterance=str(event.get("utterance", "")),
        attachments=attachments,
        route=route if isinstance(route, Mapping) else None,
        event=event,
    )


def _adk(whole: Mapping[str, Any], path: Path) -> Transcript:
    queries = whole.get("queries")
    if not isinstance(queries, list) or not all(isinstance(q, str) for q in queries):
        raise UsageError(f'{path}: an ADK replay file needs "queries": a list of strings')
    state = whole.get("state")
    turns = tuple(_plain_turn(q, i + 1, path.parent) for i, q in enumerate(queries))
    return Transcript(path, "adk", turns, state=state if isinstance(state, Mapping) else None)


def _markdown(text: str, path: Path) -> Transcript:
    blocks: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        found = _SPEAKER.match(line)
        if found:
            blocks.append((found.group(1).lower(), [found.group(2).rstrip()]))
        elif blocks and _BLOCK_END.match(line):
            blocks.append(("", []))
        elif blocks and blocks[-1][0]:
            blocks[-1][1].append(line.rstrip())
    turns: list[Turn] = []
    for speaker, body in blocks:
        said = "\n".join(body).strip().rstrip("*_").strip()
        if speaker in _USER:
            turns.append(_plain_turn(said, len(turns) + 1, path.parent))
        elif speaker and turns:
            before = turns[-1]
            joined = said if before.said is None else f"{before.said}\n{said}"
            turns[-1] = Turn(before.number, before.utterance, before.attachments, said=joined)
    if not turns:
        raise UsageError(
            f"{path}: no user turns found: expected JSONL, an ADK replay file, "
            "or lines starting with 'User:' or '用户:'"
        )
    return Transcript(path, "markdown", tuple(turns))


def _plain_turn(utterance: str, number: int, folder: Path) -> Turn:
    """A typed line; words naming files next to the transcript become its attachments."""
    found = tuple(word for word in utterance.split() if _is_file(folder / word))
    return Turn(number, utterance, found)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False
