"""Shared pieces of the agent tests: the case table, a fake voice tool and draft readers."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from vidskill.server.agent import AgentAsset, TurnResult

TABLE = Path(__file__).resolve().parent / "data" / "agent_cases.yaml"
MOODS = ("upbeat", "calm", "corporate", "cinematic", "lofi")
HAN = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


@cache
def table() -> dict[str, Any]:
    """The behaviour table: assets, drafts and cases."""
    with TABLE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def assets(name: str) -> tuple[AgentAsset, ...]:
    """An upload set of the table as agent assets."""
    return tuple(AgentAsset(**row) for row in table()["assets"][name])


def draft(name: str | None) -> dict[str, Any] | None:
    """A stored draft of the table (None for no draft)."""
    return None if name in (None, "none") else table()["drafts"][name]


class FakeVoice:
    """A voice tool whose clips last 0.5 s plus 60 ms a character, with ids from the text."""

    def __init__(self) -> None:
        self.spoken: list[tuple[str, str]] = []

    def synthesize_voiceover(self, text: str, language: str) -> AgentAsset:
        self.spoken.append((text, language))
        digest = hashlib.sha1(f"{language}:{text}".encode()).hexdigest()[:10]
        seconds = round(0.5 + 0.06 * len(text), 3)
        return AgentAsset(f"vo_{digest}", f"voiceover_{digest}.wav", "audio", duration=seconds)


class BrokenVoice:
    """A voice tool that always fails, as a missing speech engine would."""

    def synthesize_voiceover(self, text: str, language: str) -> AgentAsset:
        raise OSError("speech engine missing")


def known(upload: tuple[AgentAsset, ...], result: TurnResult) -> set[str]:
    """The sources a result's draft may use: uploads, made voices and the music library."""
    made = {str(c.response["asset_id"]) for c in result.calls if "asset_id" in c.response}
    return {a.id for a in upload} | made | {f"music:{m}" for m in MOODS}


def main_track(d: dict[str, Any]) -> dict[str, Any] | None:
    """The first video track."""
    return next((t for t in d["t"] if t["tt"] == 0), None)


def segs(d: dict[str, Any], tt: int, **where: Any) -> list[dict[str, Any]]:
    """Segments of all tracks of type `tt` whose metadata has the given values."""
    return [
        s
        for t in d["t"]
        if t["tt"] == tt
        for s in t["sg"]
        if all(s["m"].get(k, "title" if k == "style" else None) == v for k, v in where.items())
    ]


def logo_place(d: dict[str, Any]) -> str | None:
    """Where the logo is: "end", an overlay corner, or None."""
    main = main_track(d)
    if main and len(main["sg"]) > 1 and main["sg"][-1]["m"].get("name") == "Logo":
        return "end"
    overlays = [t for t in d["t"] if t["tt"] == 0 and t is not main]
    return next((s["m"].get("position") for t in overlays for s in t["sg"]), None)


def reply_language_ok(reply: str, language: str) -> bool:
    """True when the reply is in the session language (quoted text aside)."""
    bare = QUOTED.sub("", reply)
    return bool(HAN.search(bare)) if language.startswith("zh") else not HAN.search(bare)
