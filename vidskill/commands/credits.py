"""`vidskill credits`: the credit balance."""

from __future__ import annotations

import argparse

from vidskill.commands.common import add_options, run_oneshot


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill credits`."""
    add_options(parser)


def run(args: argparse.Namespace) -> int:
    """Read and show the balance."""
    return run_oneshot(args, "credits", lambda engine: engine.read("credits"))
