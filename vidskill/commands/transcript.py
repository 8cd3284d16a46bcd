"""`vidskill transcript export FILE --format md|jsonl [-o OUT]`: a transcript, exported.

FILE is any transcript vidskill reads (a journal, a Markdown or plain chat, an ADK replay
file). `md` is a readable conversation with the timeline and output files; `jsonl` is our
journal schema, normalised. The export goes to stdout, or to OUT.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vidskill.errors import UsageError
from vidskill.transcripts import read, to_jsonl, to_markdown


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill transcript`."""
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="export a transcript as Markdown or JSONL")
    export.add_argument("file", metavar="FILE", help="a journal, Markdown chat or ADK file")
    export.add_argument("--format", choices=("md", "jsonl"), default="md", help="output format")
    export.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")


def run(args: argparse.Namespace) -> int:
    """Export the transcript."""
    transcript = read(args.file)
    out = Path(args.output) if args.output else None
    if args.format == "md":
        text = to_markdown(transcript)
    else:
        text = to_jsonl(transcript, base=(out.parent if out else transcript.folder).absolute())
    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"Cannot write {out}: {exc.strerror or exc}") from None
    return 0
