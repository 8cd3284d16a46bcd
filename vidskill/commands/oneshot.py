"""The one JSON object a one-shot command prints with `--json` (schema 1, see README.md).

It is built from the engine's outputs: the agent's text as shown, the runtime's notices, the
timeline summary, files written, the credit balance and the first error. Long text is cut so
stdout stays a few kilobytes at most.
"""

from __future__ import annotations

from typing import Any

from vidskill.cli import EXIT_ERROR
from vidskill.engine import (
    CreditsShown,
    Engine,
    ErrorShown,
    FileWritten,
    Notice,
    Output,
    Said,
    StateShown,
    TimelineShown,
)

SCHEMA = 1
MAX_TEXT = 4000
MAX_TIMELINE = 2000
MAX_NOTICES = 20
MAX_ITEMS = 50


def cut(text: str, limit: int) -> str:
    """`text`, shortened to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Report:
    """Collects what a one-shot command shows, for its JSON object and its exit code."""

    def __init__(self, command: str, *, lang: str) -> None:
        self.command = command
        self.lang = lang
        self.session_id: str | None = None
        self.texts: list[str] = []
        self.notices: list[str] = []
        self.files: list[dict[str, Any]] = []
        self.assets: list[str] = []
        self.credits: dict[str, float] | None = None
        self.timeline: str | None = None
        self.error: ErrorShown | None = None
        self.journal: str | None = None  # the journal this command appended to

    def take(self, output: Output) -> None:
        """Keep what an output contributes."""
        if isinstance(output, Said):
            self.texts.append(output.text)
        elif isinstance(output, Notice):
            self.notices.append(output.text)
        elif isinstance(output, FileWritten):
            self.files.append({k: v for k, v in output.to_json().items() if k != "type"})
        elif isinstance(output, CreditsShown):
            self.credits = _credits(output.available, output.frozen, output.total)
        elif isinstance(output, TimelineShown):
            self.timeline = output.summary
        elif isinstance(output, StateShown):
            self.timeline, self.assets = output.summary, list(output.assets)
        elif isinstance(output, ErrorShown) and self.error is None:
            self.error = output

    def finish(self, engine: Engine) -> None:
        """Fill in what the engine knows at the end: session, language, timeline, credits."""
        self.session_id = engine.session_id
        self.lang = engine.lang
        if self.timeline is None:
            self.timeline = engine.timeline_summary()
        if self.credits is None and engine.credits is not None:
            balance = engine.credits
            self.credits = _credits(balance.available, balance.frozen, balance.total)

    @property
    def exit_code(self) -> int:
        """The exit code of the first error (or 1 when there is none to take it from)."""
        return self.error.exit_code if self.error is not None else EXIT_ERROR

    def to_json(self) -> dict[str, Any]:
        """The command's one JSON object."""
        error = None
        if self.error is not None:
            error = {
                "kind": self.error.kind,
                "message": self.error.message,
                "code": self.error.code,
                "exit_code": self.error.exit_code,
            }
        return {
            "schema": SCHEMA,
            "ok": self.error is None,
            "command": self.command,
            "session_id": self.session_id,
            "lang": self.lang,
            "text": cut("\n".join(self.texts), MAX_TEXT),
            "notices": [cut(n, 1000) for n in self.notices[-MAX_NOTICES:]],
            "timeline": None if self.timeline is None else cut(self.timeline, MAX_TIMELINE),
            "assets": [cut(a, 200) for a in self.assets[:MAX_ITEMS]],
            "files": self.files[:MAX_ITEMS],
            "credits": self.credits,
            "error": error,
            "journal": self.journal,
        }


def _credits(available: float, frozen: float, total: float) -> dict[str, float]:
    return {"available": available, "frozen": frozen, "total": total}
