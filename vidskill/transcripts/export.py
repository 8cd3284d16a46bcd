"""Exporting a transcript: a readable Markdown conversation, or normalised JSONL.

Normalised JSONL is our journal schema whatever the source format: one header line, then one
line per turn numbered from 1 (a journal's `open` lines and a torn last line are dropped), keys
in a fixed order, attachments relative to the folder the export is written to where they lie
inside it. The Markdown export can be read back as a transcript (its `User:` and `Assistant:`
lines), so an exported conversation can be replayed and checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from vidskill.transcripts.journal import SCHEMA, moved_route, portable
from vidskill.transcripts.reader import Transcript, Turn
from vidskill.transcripts.replay import resolve

TURN_KEYS = (
    "type", "n", "at", "session_id", "lang", "utterance", "attachments", "route", "actions",
    "shown", "original", "timeline", "draft", "credits", "files", "outputs",
)  # fmt: skip


def header(transcript: Transcript) -> dict[str, Any]:
    """The normalised header line."""
    found = dict(transcript.header)
    event: dict[str, Any] = {"type": "journal", "schema": SCHEMA, "source": transcript.format}
    for key in ("at", "front", "session_id", "skill", "backend"):
        if key in found:
            event[key] = found[key]
    if transcript.state:
        event["state"] = dict(transcript.state)
    return event


def normalised_turn(turn: Turn, source: Path, base: Path) -> dict[str, Any]:
    """A turn as a normalised journal line, its attachments made portable for `base`."""
    event: dict[str, Any] = dict(turn.event or {})
    moved = {path: portable(resolve(path, source), base) for path in turn.attachments}
    utterance = turn.utterance
    for path, stored in moved.items():
        utterance = utterance.replace(path, stored)
    attachments = [{"path": stored, "name": Path(path).name} for path, stored in moved.items()]
    event.update(type="turn", n=turn.number, utterance=utterance, attachments=attachments)
    if isinstance(event.get("route"), Mapping):
        absolute = {resolve(path, source): stored for path, stored in moved.items()}
        event["route"] = moved_route(event["route"], {**absolute, **moved})
    if turn.event is None and turn.said is not None:
        event["shown"] = turn.said
    return {key: event[key] for key in (*TURN_KEYS, *event) if key in event}


def normalised(transcript: Transcript, base: Path | None = None) -> list[dict[str, Any]]:
    """The transcript as normalised journal lines, attachments relative to `base`."""
    base = transcript.folder if base is None else base
    turns = [normalised_turn(t, transcript.folder, base) for t in transcript.turns]
    return [header(transcript), *turns]


def to_jsonl(transcript: Transcript, base: Path | None = None) -> str:
    """The transcript as normalised JSONL text."""
    lines = normalised(transcript, base)
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def to_markdown(transcript: Transcript) -> str:
    """The transcript as a readable Markdown conversation with timelines and output files."""
    parts = ["# vidskill transcript", "", *_about(transcript.header), ""]
    for turn in transcript.turns:
        parts.extend(_turn_md(turn))
    return "\n".join(parts).rstrip() + "\n"


def _about(found: Mapping[str, Any]) -> Iterator[str]:
    skill, backend = found.get("skill") or {}, found.get("backend") or {}
    if skill:
        yield f"- Skill: {skill.get('name', '')} {skill.get('version', '')}".rstrip()
    if backend:
        label, url = backend.get("label", ""), backend.get("url", "")
        yield f"- Backend: {label}" + (f" ({url})" if url and url != label else "")
    if found.get("session_id"):
        yield f"- Session: {found['session_id']}"
    if found.get("at"):
        yield f"- Started: {found['at']}"


def _turn_md(turn: Turn) -> list[str]:
    event: Mapping[str, Any] = turn.event or {}
    lines = [f"## Turn {turn.number}", "", f"User: {turn.utterance}", ""]
    lines.extend(_quoted(_before(event)))
    said = event.get("shown") if turn.event is not None else turn.said
    if said:
        lines.extend([f"Assistant: {said}", ""])
    lines.extend(_quoted(_after(event)))
    return [*lines, "---", ""]


def _quoted(notes: list[str]) -> list[str]:
    return [*(f"> {note}  " for note in notes), ""] if notes else []


def _before(event: Mapping[str, Any]) -> list[str]:
    notes = []
    route = event.get("route") or {}
    if route:
        why = route.get("why") or {}
        notes.append(f"Route: {route.get('intent')} ({why.get('rule')}: {why.get('note', '')})")
    if event.get("actions"):
        notes.append("Actions: " + "; ".join(str(a) for a in event["actions"]))
    for output in event.get("outputs") or ():
        if output.get("type") == "notice":
            notes.append(f"Notice: {output.get('text', '')}")
        elif output.get("type") == "error":
            notes.append(f"Error: {output.get('message', '')}")
    return notes


def _after(event: Mapping[str, Any]) -> list[str]:
    notes = []
    original = event.get("original")
    if original and original != event.get("shown"):
        notes.append(f"Backend said: {original}")
    if event.get("timeline"):
        notes.append(f"Timeline: {event['timeline']}")
    for output in event.get("outputs") or ():
        if output.get("type") == "file":
            notes.append(f"File: {output.get('path')} ({output.get('size')} bytes)")
    credits = event.get("credits") or {}
    before, after = credits.get("before"), credits.get("after")
    if before is not None and after is not None and before != after:
        notes.append(f"Credits: {before:g} → {after:g}")
    return notes
