"""Remembered sessions and unfinished renders, per skill and backend, in `sessions.json`.

The file lives in vidskill's config folder and holds no secret: session ids, the language a
session was started in, and a render left running when an export was interrupted (so
`vidskill export --resume` and the chat's start can pick it up). Tokens are never written here.
A file that cannot be read counts as empty; writes replace it atomically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vidskill import paths

VERSION = 1


@dataclass(frozen=True)
class Remembered:
    """The session last used with a skill on a backend."""

    session_id: str
    lang: str | None = None


@dataclass(frozen=True)
class PendingRender:
    """A render that was started and not yet downloaded."""

    render_id: str
    session_id: str
    dest: str | None = None  # the -o path asked for, absolute; None means the default name
    title: str = ""
    duration: float | None = None
    width: int | None = None
    height: int | None = None

    @classmethod
    def from_json(cls, data: object) -> PendingRender | None:
        """Read a stored entry; None when it is not usable."""
        if not isinstance(data, Mapping):
            return None
        rid, sid = data.get("render_id"), data.get("session_id")
        if not isinstance(rid, str) or not rid or not isinstance(sid, str) or not sid:
            return None
        dest = data.get("dest")
        return cls(
            render_id=rid,
            session_id=sid,
            dest=dest if isinstance(dest, str) and dest else None,
            title=str(data.get("title") or ""),
            duration=_number(data.get("duration")),
            width=_whole(data.get("width")),
            height=_whole(data.get("height")),
        )


def _number(value: object) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None  # type: ignore[arg-type]


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class SessionMemory:
    """Reads and writes remembered sessions and pending renders, keyed by (skill, backend)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def default(cls, env: Mapping[str, str] | None = None) -> SessionMemory:
        """The memory in vidskill's config folder."""
        return cls(paths.config_dir(os.environ if env is None else env) / "sessions.json")

    def recall(self, skill: str, backend: str) -> Remembered | None:
        """The session last used with this skill on this backend, if any."""
        entry = self._entries().get(_key(skill, backend))
        if not isinstance(entry, Mapping):
            return None
        sid, lang = entry.get("session_id"), entry.get("lang")
        if not isinstance(sid, str) or not sid:
            return None
        return Remembered(sid, lang if isinstance(lang, str) and lang else None)

    def remember(self, skill: str, backend: str, session_id: str, lang: str | None) -> None:
        """Remember a session (keeping a pending render of the same session)."""
        entries = self._entries()
        old = entries.get(_key(skill, backend))
        entry: dict[str, Any] = {"session_id": session_id, "lang": lang}
        if isinstance(old, Mapping) and old.get("session_id") == session_id and old.get("pending"):
            entry["pending"] = old["pending"]
        entries[_key(skill, backend)] = entry
        self._write(entries)

    def forget(self, skill: str, backend: str) -> None:
        """Forget the session (and any pending render) of this skill on this backend."""
        entries = self._entries()
        if entries.pop(_key(skill, backend), None) is not None:
            self._write(entries)

    def pending(self, skill: str, backend: str) -> PendingRender | None:
        """The render left unfinished with this skill on this backend, if any."""
        entry = self._entries().get(_key(skill, backend))
        return PendingRender.from_json(entry.get("pending")) if isinstance(entry, Mapping) else None

    def set_pending(self, skill: str, backend: str, render: PendingRender) -> None:
        """Remember a started render until it is downloaded."""
        entries = self._entries()
        entry = entries.get(_key(skill, backend))
        entry = dict(entry) if isinstance(entry, Mapping) else {"session_id": render.session_id}
        entry["pending"] = asdict(render)
        entries[_key(skill, backend)] = entry
        self._write(entries)

    def clear_pending(self, skill: str, backend: str, render_id: str) -> None:
        """Forget a render once it is downloaded, failed or gone."""
        entries = self._entries()
        entry = entries.get(_key(skill, backend))
        if not isinstance(entry, Mapping):
            return
        pending = entry.get("pending")
        if isinstance(pending, Mapping) and pending.get("render_id") == render_id:
            entries[_key(skill, backend)] = {k: v for k, v in entry.items() if k != "pending"}
            self._write(entries)

    def _entries(self) -> dict[str, Any]:
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(loaded, dict) or not isinstance(loaded.get("sessions"), dict):
            return {}
        return dict(loaded["sessions"])

    def _write(self, entries: Mapping[str, Any]) -> None:
        text = json.dumps({"version": VERSION, "sessions": entries}, indent=2, sort_keys=True)
        paths.write_private(self.path, text + "\n")


def _key(skill: str, backend: str) -> str:
    return f"{skill} {backend}"
