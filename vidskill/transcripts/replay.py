"""Replaying a transcript: its user turns, in order, on an engine with a fresh session.

Attachments are uploaded again, relative paths resolved against the transcript's folder. A turn
is run the way it was first run: a typed line goes through the router again (so a router change
shows in the route layer), while the one-shot `upload`, `export` and read commands, which
bypass the router, are called as such. The engine's recorder (a `Journal`) writes the new run.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any, Literal, cast

from vidskill.engine import Engine, Output
from vidskill.transcripts.reader import Transcript, Turn

READS = ("credits", "state", "timeline")
Shown = Callable[[Turn, Output], None]


def resolve(path: str, folder: Path) -> str:
    """An attachment as a path this process can open (URLs stay as they are)."""
    if "://" in path:
        return path
    found = Path(path).expanduser()
    return os.path.normpath(found if found.is_absolute() else (folder / found).absolute())


def typed_line(turn: Turn, folder: Path) -> tuple[str, tuple[str, ...]]:
    """The turn's line with its attachments resolved, and the resolved attachments."""
    utterance, resolved = turn.utterance, []
    for path in turn.attachments:
        full = resolve(path, folder)
        resolved.append(full)
        if full != path:
            utterance = _swap_word(utterance, path, full)
    return utterance, tuple(resolved)


def _swap_word(text: str, old: str, new: str) -> str:
    """`text` with the first `old` that stands as a word of its own replaced by `new`."""
    start = 0
    while (at := text.find(old, start)) >= 0:
        end = at + len(old)
        before_ok = at == 0 or text[at - 1] in " \t\"'"
        after_ok = end == len(text) or text[end] in " \t\"'"
        if before_ok and after_ok:
            return text[:at] + new + text[end:]
        start = end
    return text


def outputs_for(engine: Engine, turn: Turn, folder: Path) -> AsyncIterator[Output]:
    """The engine call that runs `turn` as it was first run."""
    route: Mapping[str, Any] = turn.route or {}
    why = (route.get("why") or {}).get("rule")
    command = route.get("command")
    utterance, attachments = typed_line(turn, folder)
    if command == "upload" and why == "command":
        return engine.upload(attachments, str(route.get("text") or ""))
    if command == "export" and why == "command":
        if str(route.get("args") or "").strip() == "resume":
            return engine.resume_export()
        return engine.export(None)
    if command in READS and why == "default":
        return engine.read(cast(Literal["credits", "state", "timeline"], command))
    return engine.handle(utterance)


async def run(
    engine: Engine, transcript: Transcript, *, until: int | None = None, show: Shown
) -> int:
    """Run the transcript's turns (up to turn `until`) on `engine`; returns how many ran."""
    ran = 0
    for turn in transcript.turns:
        if until is not None and turn.number > until:
            break
        async for output in outputs_for(engine, turn, transcript.folder):
            show(turn, output)
        ran += 1
    return ran
