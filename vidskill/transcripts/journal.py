"""The journal: every conversation appended, event by event, to a JSONL file.

Where journals live: `VIDSKILL_JOURNAL_DIR`, else `journals/` in vidskill's data folder
(`vidskill.paths.data_dir()`). A journal belongs to one backend session: its file is named
after the session id and a short hash of the backend's key, so every front end (the REPL, each
one-shot command, a replay) that continues a session appends to the same file. Lines handled
before any session exists go to a journal of their own (`nosession-<time>-<pid>.jsonl`).

The first line is a header (`"type": "journal"`, the schema version, the skill, the backend);
a later front end adds an `"open"` line; each user line becomes a `"turn"` line. Each line is
written with one `write` call and flushed to the disk (fsync), so a process killed at any
moment loses at most the line being written. Attachments are stored relative to the journal's
folder when they lie inside it. Known secrets are replaced by `***` before anything is written.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from vidskill import paths
from vidskill.engine.outputs import Progress, Status
from vidskill.engine.recorder import BackendInfo, HasSkill, TurnRecord
from vidskill.skill import HOSTED_API

SCHEMA = 1
SUFFIX = ".jsonl"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"']+")
_SECRET_ENV = ("NEMO_TOKEN",)
Clock = Callable[[], datetime.datetime]


def journal_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder journals are written to and listed from."""
    env = os.environ if env is None else env
    if env.get("VIDSKILL_JOURNAL_DIR"):
        return Path(env["VIDSKILL_JOURNAL_DIR"])
    return paths.data_dir(env) / "journals"


def journal_name(session_id: str, backend_key: str) -> str:
    """The file name of a session's journal on a backend."""
    digest = hashlib.sha256(backend_key.encode("utf-8")).hexdigest()[:8]
    return f"{_UNSAFE.sub('_', session_id)[:80]}-{digest}{SUFFIX}"


def now_utc() -> datetime.datetime:
    """The current time in UTC."""
    return datetime.datetime.now(datetime.UTC)


def stamp(moment: datetime.datetime) -> str:
    """An ISO 8601 time in UTC, to the second."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def append_line(path: Path, event: Mapping[str, Any]) -> None:
    """Append one event as one JSON line, on the disk before returning (0600 file)."""
    data = (json.dumps(event, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def count_turns(path: Path) -> int:
    """How many complete turn lines a journal holds."""
    if not path.exists():
        return 0
    with path.open(encoding="utf-8", errors="replace") as lines:
        return sum(1 for line in lines if line.endswith("\n") and '"type": "turn"' in line)


def portable(path: str, base: Path) -> str:
    """`path` relative to `base` when it lies inside it, else absolute."""
    if "://" in path:
        return path
    full = Path(os.path.normpath(Path(path).expanduser().absolute()))
    try:
        return full.relative_to(os.path.normpath(base.absolute())).as_posix()
    except ValueError:
        return str(full)


def turn_event(
    record: TurnRecord, number: int, base: Path, moment: datetime.datetime
) -> dict[str, Any]:
    """A turn record as a journal line: attachments made portable, passing outputs left out."""
    moved = {typed: portable(typed, base) for typed in record.attachments}
    utterance = record.utterance
    for typed, stored in moved.items():
        utterance = utterance.replace(typed, stored)
    attachments = [{"path": stored, "name": Path(typed).name} for typed, stored in moved.items()]
    return {
        "type": "turn",
        "n": number,
        "at": stamp(moment),
        "session_id": record.session_id,
        "lang": record.lang,
        "utterance": utterance,
        "attachments": attachments,
        "route": moved_route(record.intent, moved),
        "actions": list(record.actions),
        "shown": record.shown,
        "original": record.original,
        "timeline": record.timeline,
        "draft": None if record.draft is None else dict(record.draft),
        "credits": {"before": record.credits_before, "after": record.credits_after},
        "files": list(record.files),
        "outputs": [o.to_json() for o in record.outputs if not isinstance(o, Status | Progress)],
    }


def moved_route(route: Mapping[str, Any], moved: Mapping[str, str]) -> dict[str, Any]:
    """A route (`Intent.to_json()`) with its file paths written as `moved` says."""
    found = dict(route)
    found["files"] = [moved.get(str(f), f) for f in found.get("files") or ()]
    why = found.get("why")
    if isinstance(why, Mapping):
        found["why"] = {**why, "keyword": moved.get(str(why.get("keyword")), why.get("keyword"))}
    return found


def scrub(value: Any, secrets: Collection[str]) -> Any:
    """`value` with every known secret and bearer credential replaced by `***`."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, "***")
        return _BEARER.sub(r"\1***", value)
    if isinstance(value, Mapping):
        return {key: scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item, secrets) for item in value]
    return value


class Journal:
    """The engine's recorder that appends each turn to the session's journal file."""

    def __init__(
        self,
        front: str,
        *,
        directory: Path | None = None,
        env: Mapping[str, str] | None = None,
        clock: Clock = now_utc,
    ) -> None:
        env = os.environ if env is None else env
        self.front = front
        self.directory = directory or journal_dir(env)
        self.secrets = tuple(s for s in (env.get(n, "").strip() for n in _SECRET_ENV) if s)
        self.clock = clock
        self.backend: BackendInfo | None = None
        self.path: Path | None = None
        self.written: list[dict[str, Any]] = []  # the turn lines this journal wrote
        self.error: str | None = None  # why journaling stopped, if it did
        self._engine: HasSkill | None = None
        self._session: str | None = None
        self._turns = 0

    def bind(self, backend: BackendInfo, engine: HasSkill) -> None:
        """Learn the backend and where to read the skill in use."""
        self.backend, self._engine = backend, engine

    def record(self, record: TurnRecord) -> None:
        """Append one turn, opening (or switching to) the session's journal first."""
        if self.error is not None:
            return
        try:
            self._append(record)
        except OSError as exc:
            # A full disk or a read-only folder must not end the conversation: stop journaling.
            self.error = f"{self.directory}: {exc.strerror or exc}"

    def _append(self, record: TurnRecord) -> None:
        if self.path is None or (record.session_id and record.session_id != self._session):
            self._open(record.session_id)
        assert self.path is not None
        event = turn_event(record, self._turns + 1, self.directory, self.clock())
        event = scrub(event, self.secrets)
        append_line(self.path, event)
        self._turns += 1
        self.written.append(event)

    def _open(self, session_id: str | None) -> None:
        key = self.backend.key if self.backend else ""
        if session_id:
            path = self.directory / journal_name(session_id, key)
        else:
            moment = self.clock().strftime("%Y%m%dT%H%M%SZ")
            path = self.directory / f"nosession-{moment}-{os.getpid()}{SUFFIX}"
        self._turns = count_turns(path)
        kind = "open" if path.exists() and path.stat().st_size else "journal"
        append_line(path, scrub(self._opening(kind, session_id), self.secrets))
        self.path, self._session = path, session_id

    def _opening(self, kind: str, session_id: str | None) -> dict[str, Any]:
        event: dict[str, Any] = {"type": kind}
        if kind == "journal":
            event["schema"] = SCHEMA
        event.update(at=stamp(self.clock()), front=self.front, session_id=session_id)
        if self._engine is not None:
            skill = self._engine.skill
            event["skill"] = {"name": skill.name, "version": skill.version}
        if self.backend is not None:
            event["backend"] = backend_json(self.backend)
        return event


def backend_json(backend: BackendInfo) -> dict[str, str]:
    """The backend as a journal names it: local, hosted or another URL, without secrets."""
    kind = "local" if backend.local else "hosted" if backend.url == HOSTED_API else "remote"
    return {"kind": kind, "label": backend.label, "url": backend.url}
