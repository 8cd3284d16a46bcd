"""Comparing a replay with its recording, turn by turn and layer by layer.

A recorded turn has five layers: the route (intent, slash command, routing rule), the actions
the runtime carried out, the text shown (the agent's words, notices, errors), the timeline
(summary and draft) and the files written. Before comparing, volatile values are masked:
URLs, timestamps, sizes, folders of paths, ids (numbered by first appearance, so two ids that
swap places still differ); times are written in milliseconds and match within one frame.
The module is pure: it compares values and returns text.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vidskill.transcripts.reader import Turn

LAYERS = ("route", "actions", "shown", "timeline", "files")
FPS = 30
TIME_KEYS = frozenset({"s", "d", "fade_in", "fade_out"})
FRAME_MS = 1000 / FPS
_MS = re.compile(r"(\d+)ms\b")
MAX_DIFF_LINES = 16
_Sub = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]


def _millis(found: re.Match[str]) -> str:
    return f"{round(float(found.group(1)) * 1000)}ms"


_MASKS: tuple[_Sub, ...] = (
    (re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s\"'<>)\]]+", re.I), "<url>"),
    (
        re.compile(
            r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
        ),
        "<time>",
    ),
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b"), "<time>"),
    (re.compile(r"(?:~|\.{1,2})?(?:[/\\][^\s/\\\"'<>|:*?]+)+[/\\](?=[^\s/\\\"'<>|]+)"), "<dir>/"),
    (re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:bytes|B|kB|KB|MB|GB|KiB|MiB|GiB)(?![A-Za-z])"), "<size>"),
    (re.compile(r"\b(\d+\.\d+)\s?(?:seconds|sec|s|秒)(?![A-Za-z])"), _millis),
)
_IDS = re.compile(
    r"\b(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|[A-Za-z]+[_-](?=[0-9a-f]*\d)[0-9a-f]{8,}|render_\d{6,}|[0-9a-f]{16,})\b"
)


def mask(text: str) -> str:
    """`text` with its volatile values masked; ids numbered by first appearance."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    seen: dict[str, str] = {}
    return _IDS.sub(lambda m: seen.setdefault(m.group(0), f"<id{len(seen) + 1}>"), text)


def same(recorded: str, replayed: str) -> bool:
    """Whether two masked layers match, times (in ms) within one frame of each other."""
    if recorded == replayed:
        return True
    ours, theirs = recorded.split("\n"), replayed.split("\n")
    return len(ours) == len(theirs) and all(map(_same_line, ours, theirs))


def _same_line(recorded: str, replayed: str) -> bool:
    ours, theirs = _MS.split(recorded), _MS.split(replayed)
    if len(ours) != len(theirs) or ours[::2] != theirs[::2]:
        return False
    pairs = zip(ours[1::2], theirs[1::2], strict=True)
    return all(abs(int(a) - int(b)) <= FRAME_MS for a, b in pairs)


def _times(value: Any, key: str = "") -> Any:
    if isinstance(value, Mapping):
        return {k: _times(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_times(v) for v in value]
    if key in TIME_KEYS and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{round(value)}ms"
    return value


def _route(event: Mapping[str, Any]) -> str:
    route = event.get("route") or {}
    why = route.get("why") or {}
    command = route.get("command")
    return f"{route.get('intent')}" + (f" /{command}" if command else "") + f" ({why.get('rule')})"


def _shown(event: Mapping[str, Any], outputs: bool) -> str:
    lines = [str(event.get("shown") or "")] if event.get("shown") else []
    for output in event.get("outputs") or () if outputs else ():
        if output.get("type") == "notice":
            lines.append(f"[notice] {output.get('text', '')}")
        elif output.get("type") == "error":
            lines.append(f"[error {output.get('kind', '')}] {output.get('message', '')}")
    return mask("\n".join(lines))


def _timeline(event: Mapping[str, Any]) -> str:
    draft = event.get("draft")
    drawn = "" if draft is None else json.dumps(_times(draft), indent=1, sort_keys=True)
    return mask(f"{event.get('timeline') or ''}\n{drawn}".strip())


def layers(event: Mapping[str, Any], like: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The masked layers of a turn line, those that `like` (default: itself) records."""
    like = event if like is None else like
    found: dict[str, Callable[[], str]] = {
        "route": lambda: mask(_route(event)),
        "actions": lambda: mask("\n".join(str(a) for a in event.get("actions") or ())),
        "shown": lambda: _shown(event, outputs="outputs" in like),
        "timeline": lambda: _timeline(event),
        "files": lambda: mask("\n".join(str(f) for f in event.get("files") or ())),
    }
    return {layer: make() for layer, make in found.items() if layer in like}


def expected(turn: Turn) -> dict[str, str]:
    """The layers a recorded turn can be checked against (only those its format records)."""
    if turn.event is not None:
        return layers(turn.event)
    return {} if turn.said is None else {"shown": mask(turn.said)}


def actual(event: Mapping[str, Any], like: Turn) -> dict[str, str]:
    """The replayed turn's layers, as the recorded turn's format can compare them."""
    return layers(event, like.event if like.event is not None else {"shown": ""})


@dataclass(frozen=True)
class Difference:
    """One layer of one turn that came out differently."""

    turn: int
    utterance: str
    layer: str
    recorded: str
    replayed: str

    def describe(self) -> str:
        """The difference as a few readable lines naming the turn and the layer."""
        head = f"turn {self.turn} «{_short(self.utterance)}»: {self.layer} differs"
        lines = difflib.unified_diff(
            self.recorded.splitlines(), self.replayed.splitlines(), lineterm="", n=1
        )
        body = [_marked(line) for line in lines if not line.startswith(("---", "+++", "@@"))]
        if len(body) > MAX_DIFF_LINES:
            body = [*body[:MAX_DIFF_LINES], f"  ... {len(body) - MAX_DIFF_LINES} more lines"]
        return "\n".join([head, *body])

    def to_json(self) -> dict[str, Any]:
        """The difference as a JSON-ready mapping."""
        return {
            "turn": self.turn,
            "utterance": self.utterance,
            "layer": self.layer,
            "recorded": self.recorded,
            "replayed": self.replayed,
        }


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _marked(line: str) -> str:
    if line.startswith("-"):
        return f"  - recorded: {line[1:]}"
    if line.startswith("+"):
        return f"  + replayed: {line[1:]}"
    return f"    {line}"


def compare(recorded: Sequence[Turn], replayed: Sequence[Mapping[str, Any]]) -> list[Difference]:
    """Every layer that differs, turn by turn; a recorded turn not replayed is a difference."""
    found: list[Difference] = []
    for index, turn in enumerate(recorded):
        if index >= len(replayed):
            found.append(Difference(turn.number, turn.utterance, "turn", "recorded", "not run"))
            continue
        want, got = expected(turn), actual(replayed[index], turn)
        for layer in LAYERS:
            if layer in want and not same(want[layer], got.get(layer, "")):
                found.append(
                    Difference(turn.number, turn.utterance, layer, want[layer], got[layer])
                )
    return found
