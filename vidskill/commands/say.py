"""`vidskill say TEXT`: one line to the video agent, in the remembered project."""

from __future__ import annotations

import argparse

from vidskill.commands.common import add_options, run_oneshot


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill say`."""
    parser.add_argument("text", nargs="+", help="what to say (several words are joined)")
    add_options(parser)


def run(args: argparse.Namespace) -> int:
    """Send the line, show the reply and what the runtime did."""
    text = " ".join(args.text)
    return run_oneshot(args, "say", lambda engine: engine.handle(text))
