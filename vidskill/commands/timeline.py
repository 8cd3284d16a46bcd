"""`vidskill timeline FILE.json [--since OLD.json] [--json]`: summarise and draw a draft.

FILE may hold a bare draft, a state payload (`{"state": {"draft": ...}}`) or an API envelope
(`{"code": 0, "data": {...}}`); a draft stored as a JSON string is decoded too.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from vidskill.errors import DraftError, UsageError
from vidskill.timeline import Draft, diff, draw, find_draft, parse_draft, summary, track_labels

_MAX_WIDTH = 100


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill timeline`."""
    parser.add_argument("file", metavar="FILE.json", help="a draft, state payload or envelope")
    parser.add_argument(
        "--since", metavar="OLD.json", help="also list what changed since this older draft"
    )
    parser.add_argument(
        "--width", type=int, help="drawing width in columns (default: the terminal's, at most 100)"
    )
    parser.add_argument("--lang", default="en", help="en (default) or zh-CN")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Print the summary, the drawing and, with --since, the changes."""
    draft = load(args.file)
    changes = diff(load(args.since), draft, args.lang) if args.since else None
    width = args.width or min(shutil.get_terminal_size((80, 24)).columns, _MAX_WIDTH)
    text, drawing = summary(draft, args.lang), draw(draft, width, args.lang)
    if args.json:
        print(json.dumps(_json(draft, text, drawing, changes, args.lang), ensure_ascii=False))
        return 0
    print(f"{text}\n\n{drawing}")
    if changes is not None:
        print("\nChanges:" if not args.lang.startswith("zh") else "\n变化：")
        print("\n".join(f"  - {line}" for line in changes) or "  (none)")
    return 0


def load(path: str) -> Draft:
    """Read a draft from a JSON file; a clear `UsageError` or `DraftError` when it cannot be."""
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not a JSON file") from None
    except UnicodeDecodeError:
        raise DraftError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DraftError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise DraftError(f"{path} is nested too deeply to be a draft") from None
    try:
        return parse_draft(find_draft(data))
    except DraftError as exc:
        raise DraftError(f"{path}: {exc}") from None


def _json(
    draft: Draft, text: str, drawing: str, changes: list[str] | None, lang: str
) -> dict[str, object]:
    tracks = [
        {
            "label": label,
            "kind": track.kind,
            "segments": len(track.segments),
            "start_ms": track.start_ms,
            "end_ms": track.end_ms,
        }
        for track, label in zip(draft.tracks, track_labels(draft, lang), strict=True)
    ]
    out: dict[str, object] = {
        "schema": 1,
        "ok": True,
        "summary": text,
        "duration_ms": draft.end_ms,
        "has_segments": draft.has_segments,
        "tracks": tracks,
        "drawing": drawing,
    }
    if changes is not None:
        out["changes"] = changes
    return out
