"""`vidskill upload FILE... [--text "..."]`: add files or links to the remembered project."""

from __future__ import annotations

import argparse

from vidskill.commands.common import add_options, run_oneshot


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill upload`."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="local files or http(s) links")
    parser.add_argument("--text", default="", help="what to say to the agent after the upload")
    add_options(parser)


def run(args: argparse.Namespace) -> int:
    """Check and upload the files, then send the follow-up text."""
    return run_oneshot(args, "upload", lambda engine: engine.upload(args.files, args.text))
