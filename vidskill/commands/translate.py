"""`vidskill translate TEXT [--json]`: what the runtime makes of a backend reply's GUI-speak."""

from __future__ import annotations

import argparse
import json
import sys

from vidskill.translators import Translation, translate


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill translate`."""
    parser.add_argument(
        "text", nargs="+", help="the backend's reply (several words are joined; - reads stdin)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Translate the reply and print the shown text and the actions."""
    text = " ".join(args.text)
    if text == "-":
        text = sys.stdin.read()
    result = translate(text)
    if args.json:
        print(json.dumps({"schema": 1, "ok": True, **result.to_json()}, ensure_ascii=False))
    else:
        print(describe(result))
    return 0


def describe(result: Translation) -> str:
    """The shown text, then the actions one per line with the phrase each came from."""
    if not result.actions:
        return result.text
    lines = [result.text, "", "actions:"]
    for number, action in enumerate(result.actions, start=1):
        detail = f": {action.detail}" if action.detail else ""
        lines.append(f"  {number}. {action.kind}{detail}  (from {action.source!r})")
    return "\n".join(lines)
