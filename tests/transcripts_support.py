"""Shared pieces of the transcript tests: the golden table, media, running commands, token scans.

`no_tokens_in_journals` is an autouse fixture the transcript test modules import: after each
test it reads every journal written under the test's HOME and temporary folder and fails if a
token (a named test token, `NEMO_TOKEN`, or an anonymous token the client cached) is in one.
"""

from __future__ import annotations

import json
import math
import os
import struct
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA
from media_samples import make
from servers import TOKENS

from vidskill.cli import main

GOLDEN = DATA / "transcripts"
MEDIA = GOLDEN / "media"
SPECS: list[dict[str, Any]] = yaml.safe_load((GOLDEN / "golden.yaml").read_text("utf-8"))
CASES = [(spec, lang) for spec in SPECS for lang in ("en", "zh-CN")]
CASE_IDS = [f"{spec['skill']}-{lang}" for spec, lang in CASES]
UPDATE = os.environ.get("VIDSKILL_UPDATE_GOLDEN") == "1"


def golden_path(skill: str, lang: str) -> Path:
    """Where the golden recording of a workflow lives."""
    return GOLDEN / f"{skill}.{lang}.jsonl"


def workflow(spec: dict[str, Any], lang: str) -> tuple[list[str], list[dict[str, str]]]:
    """A workflow's lines after the upload, and its media, in one language."""
    entry = spec[lang]
    if isinstance(entry, dict):
        return list(entry["lines"]), list(entry.get("media") or spec["media"])
    return list(entry), list(spec["media"])


def tone(path: Path, seconds: float = 0.5, rate: int = 8000) -> None:
    """A short 440 Hz WAV (about 8 KB)."""
    count = int(seconds * rate)
    samples = (int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(count))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))


def media_files(items: list[dict[str, str]], folder: Path = MEDIA) -> list[Path]:
    """The workflow's media in `folder`, written when missing (or when regenerating)."""
    folder.mkdir(parents=True, exist_ok=True)
    found = []
    for item in items:
        path = folder / item["name"]
        if UPDATE or not path.exists():
            if "text" in item:
                path.write_text(item["text"], encoding="utf-8")
            elif item["sample"] == "tone":
                tone(path)
            else:
                make(item["sample"], path)
        found.append(path)
    return found


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    """Run `vidskill ARGS --json` in this process; its exit code and JSON object."""
    capsys.readouterr()
    code = main([*args, "--json"])
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.strip()]
    return code, json.loads(lines[-1])


def journals_under(*roots: Path) -> list[Path]:
    """Every journal file under the folders."""
    return sorted({p for root in roots if root.exists() for p in root.rglob("*.jsonl")})


def cached_tokens(*roots: Path) -> set[str]:
    """The anonymous tokens clients cached under the folders."""
    found: set[str] = set()
    for root in roots:
        for path in root.rglob("tokens.json") if root.exists() else ():
            entries = json.loads(path.read_text(encoding="utf-8"))
            found |= {str(e["token"]) for e in entries.values() if e.get("token")}
    return found


def leaks(paths: list[Path], secrets: set[str]) -> list[str]:
    """Which journals hold which secret (by the secret's first characters)."""
    return [
        f"{path}: {secret[:6]}…"
        for path in paths
        for secret in secrets
        if secret and secret in path.read_text(encoding="utf-8", errors="replace")
    ]


@pytest.fixture(autouse=True)
def no_tokens_in_journals(private_home: Path, tmp_path: Path) -> Iterator[None]:
    """After the test, no journal it wrote holds a token."""
    yield
    roots = (private_home, tmp_path)
    secrets = set(TOKENS.values()) | cached_tokens(*roots)
    assert not leaks(journals_under(*roots), secrets)
