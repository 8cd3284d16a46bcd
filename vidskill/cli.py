"""The `vidskill` command line: a table of subcommands, each imported only when it runs.

A command module has `configure(parser)` to declare its arguments and `run(args) -> int`.
Errors of the `VidskillError` tree become one line of user text here, with a documented exit
code; nothing else turns an error into text for the one-shot commands.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence

from vidskill import __version__
from vidskill.errors import (
    BackendError,
    InterruptedError_,
    NetworkError,
    UsageError,
    VidskillError,
)

# Exit codes, documented in README.md.
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_BACKEND = 3
EXIT_NETWORK = 4
EXIT_INTERRUPTED = 130

# name -> (module, one-line help); the order is the order of `vidskill --help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "chat": ("vidskill.commands.chat", "Chat with a video skill in the terminal."),
    "route": ("vidskill.commands.route", "Show where an utterance would be routed."),
    "translate": ("vidskill.commands.translate", "Translate backend GUI-speak into actions."),
    "skill": ("vidskill.commands.skill", "Show a skill's resolved settings and headers."),
    "timeline": ("vidskill.commands.timeline", "Summarise and draw a draft JSON file."),
    "serve": ("vidskill.commands.serve", "Run the local reference backend."),
    "say": ("vidskill.commands.say", "Say one line to the video agent."),
    "upload": ("vidskill.commands.upload", "Upload files or links to the project."),
    "export": ("vidskill.commands.export", "Render the project and download the MP4."),
    "credits": ("vidskill.commands.credits", "Show the credit balance."),
    "state": ("vidskill.commands.state", "Show the project's timeline and files."),
    "install": ("vidskill.commands.install", "Install a skill folder for a host agent."),
    "doctor": ("vidskill.commands.doctor", "Check a skill folder and its backend."),
    "transcripts": ("vidskill.commands.transcripts", "List the conversation journals."),
    "transcript": ("vidskill.commands.transcript", "Export a transcript as Markdown or JSONL."),
    "replay": ("vidskill.commands.replay", "Replay a transcript; check it against its record."),
}


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code for an error."""
    if isinstance(exc, UsageError):
        return EXIT_USAGE
    if isinstance(exc, NetworkError):
        return EXIT_NETWORK
    if isinstance(exc, BackendError):
        return EXIT_BACKEND
    if isinstance(exc, (InterruptedError_, KeyboardInterrupt)):
        return EXIT_INTERRUPTED
    return EXIT_ERROR


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    rows = "\n".join(f"  {name.ljust(width)}  {help_}" for name, (_, help_) in COMMANDS.items())
    return (
        "usage: vidskill COMMAND [options]\n\n"
        f"commands:\n{rows}\n\n"
        "Run `vidskill COMMAND --help` for a command's options."
    )


def _wants_json(argv: Sequence[str]) -> bool:
    return "--json" in argv


def _report(exc: BaseException, as_json: bool) -> int:
    code = exit_code_for(exc)
    message = str(exc) or type(exc).__name__
    if isinstance(exc, KeyboardInterrupt):
        message = "interrupted"
    if as_json:
        error: dict[str, object] = {"type": type(exc).__name__, "message": message}
        if isinstance(exc, BackendError):
            error["code"] = exc.code
            error["status"] = exc.status
        print(json.dumps({"schema": 1, "ok": False, "error": error}, ensure_ascii=False))
    print(f"vidskill: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run one vidskill command and return its exit code."""
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # The reader went away (`vidskill ... | head`); silence the flush at exit too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _main(args: list[str]) -> int:
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return EXIT_OK if args else EXIT_USAGE
    if args[0] in ("-V", "--version"):
        print(f"vidskill {__version__}")
        return EXIT_OK
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"vidskill: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return EXIT_USAGE
    module_name, help_ = COMMANDS[name]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"vidskill {name}", description=help_)
    module.configure(parser)
    try:
        parsed = parser.parse_args(rest)
    except SystemExit as exc:  # argparse already printed the problem
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        return int(module.run(parsed))
    except (VidskillError, KeyboardInterrupt) as exc:
        return _report(exc, _wants_json(rest))
