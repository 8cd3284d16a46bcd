"""`vidskill chat [--skill X] [--local | --api URL] [--resume] [--lang CODE]`: the chat REPL.

Nothing heavy is imported until the command runs: the engine and the HTTP client then, and the
local backend (server, PyAV, numpy) only with `--local`, by `vidskill.connect`.
"""

from __future__ import annotations

import argparse
import asyncio

from vidskill.commands import options


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill chat`."""
    options.add_backend(parser)
    parser.add_argument(
        "--resume", action="store_true", help="continue the last project of this skill and backend"
    )
    options.add_lang(parser)


def run(args: argparse.Namespace) -> int:
    """Chat until the user leaves."""
    asyncio.run(chat(args))
    return 0


async def chat(args: argparse.Namespace) -> None:
    """Connect as the options say and run the chat on this terminal (or over stdin)."""
    from vidskill.connect import ConnectOptions, connect
    from vidskill.repl.app import run_chat
    from vidskill.transcripts import Journal

    async with connect(ConnectOptions.from_args(args), recorder=Journal("chat")) as engine:
        await run_chat(engine, resume=bool(args.resume))
