"""`vidskill state`: the remembered project's timeline and files."""

from __future__ import annotations

import argparse

from vidskill.commands.common import add_options, run_oneshot


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill state`."""
    add_options(parser)


def run(args: argparse.Namespace) -> int:
    """Read and show the project's state."""
    return run_oneshot(args, "state", lambda engine: engine.read("state"))
