"""`vidskill transcripts [--json]`: where the journals live, and the journals there.

Journals are in `VIDSKILL_JOURNAL_DIR`, else in `journals/` under vidskill's data folder; one
file per backend session, newest first. Each row names the skill, the backend, the session,
how many turns the journal holds and its first line.
"""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path
from typing import Any

from vidskill.errors import UsageError
from vidskill.transcripts import journal_dir, read
from vidskill.transcripts.journal import SUFFIX


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill transcripts`."""
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def run(args: argparse.Namespace) -> int:
    """List the journals, newest first."""
    folder = journal_dir()
    rows = [row for row in (describe(path) for path in journals(folder)) if row is not None]
    if args.json:
        body = {"schema": 1, "ok": True, "dir": str(folder), "journals": rows}
        print(json.dumps(body, ensure_ascii=False))
        return 0
    print(f"Journals in {folder}" + ("" if rows else " (none yet)"))
    for row in rows:
        first = f"  “{row['first']}”" if row["first"] else ""
        print(f"{row['modified']}  {row['skill'] or '?'}  {row['backend'] or '?'}  "
              f"{row['turns']} turns  {row['path']}{first}")  # fmt: skip
    return 0


def journals(folder: Path) -> list[Path]:
    """The journal files in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def describe(path: Path) -> dict[str, Any] | None:
    """One journal's row, or None when the file is not a journal."""
    try:
        found = read(path)
    except UsageError:
        return None
    backend = found.header.get("backend") or {}
    modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
    first = " ".join(found.turns[0].utterance.split())[:60] if found.turns else ""
    return {
        "path": str(path),
        "skill": found.skill,
        "backend": backend.get("label"),
        "session_id": found.header.get("session_id"),
        "turns": len(found.turns),
        "modified": modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "first": first,
        "torn": found.torn,
    }
