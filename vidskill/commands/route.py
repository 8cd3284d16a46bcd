"""`vidskill route TEXT [--json]`: show where a line would go, and why.

Local paths are checked against the file system and `~` is expanded against the home folder;
nothing else here touches the disk, and nothing heavy is imported (`route "导出"` stays fast).
"""

from __future__ import annotations

import argparse
import json
import os

from vidskill.router import Intent, route


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill route`."""
    parser.add_argument("text", nargs="+", help="the line to route (several words are joined)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Route the line and print the intent."""
    text = " ".join(args.text)
    intent = route(text, exists=os.path.exists, home=os.path.expanduser("~"))
    if args.json:
        print(json.dumps({"schema": 1, "ok": True, **intent.to_json()}, ensure_ascii=False))
    else:
        print(describe(intent))
    return 0


def describe(intent: Intent) -> str:
    """One or two readable lines: where the line goes and why."""
    head = f"{intent.kind} ({intent.lang})"
    if intent.command is not None:
        head += f": /{intent.command}" + (f" {intent.args}" if intent.args else "")
    attached = [*intent.files, *intent.urls]
    if attached:
        head += ": " + ", ".join(attached)
    if intent.kind == "upload" and intent.text:
        head += f"; then send {intent.text!r}"
    why = intent.why
    where = f" {why.keyword!r} at {why.start}-{why.end}" if why.start >= 0 else ""
    return f"{head}\n  why: {why.rule}{where}: {why.note}"
