"""`vidskill export [-o PATH] [--preview] [--resume]`: render the project and download the MP4."""

from __future__ import annotations

import argparse

from vidskill.commands.common import add_options, run_oneshot


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill export`."""
    parser.add_argument("-o", "--output", metavar="PATH", help="where to save (must not exist)")
    parser.add_argument(
        "--preview",
        action="store_true",
        help="a quick low-resolution render (540p) for checking edits",
    )
    parser.add_argument(
        "--resume", action="store_true", help="finish an export that was interrupted"
    )
    add_options(parser)


def run(args: argparse.Namespace) -> int:
    """Export (or resume an export) and save the file."""
    if args.resume:
        return run_oneshot(args, "export", lambda engine: engine.resume_export(args.output))
    quality = "preview" if args.preview else "high"
    return run_oneshot(args, "export", lambda engine: engine.export(args.output, quality))
