"""`vidskill replay FILE [--local | --api URL] [--skill X] [--until N] [--check] [--update]`.

Runs the user turns of a transcript in order, in a fresh session of the backend (attachments
are uploaded again), and writes a new journal. `--until N` stops after turn N and opens the
chat on the same session. `--check` compares the run with the recording turn by turn and layer
by layer, prints what differs and exits 1 on any difference; `--update` writes the new run over
FILE (a JSONL transcript). The skill is `--skill`, else the one the transcript names.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidskill.cli import EXIT_ERROR, EXIT_OK
from vidskill.commands import options
from vidskill.commands.common import Printer
from vidskill.connect import ConnectOptions, connect
from vidskill.engine import ErrorShown, Output
from vidskill.errors import UsageError
from vidskill.transcripts import Difference, Journal, Transcript, Turn, compare, read, replay
from vidskill.transcripts.export import to_jsonl


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill replay`."""
    parser.add_argument("file", metavar="FILE", help="a journal, Markdown chat or ADK file")
    options.add_backend(parser, skill_help="skill (default: the transcript's)")
    parser.add_argument("--until", type=int, metavar="N", help="stop after turn N, then chat")
    parser.add_argument("--check", action="store_true", help="compare with the recording")
    parser.add_argument("--update", action="store_true", help="write the new run over FILE")
    options.add_lang(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument(
        "--progress", choices=("auto", "json", "none"), default="auto", help="progress on stderr"
    )


@dataclass
class Outcome:
    """What a replay did: turns run, the first error shown, and the new journal."""

    ran: int = 0
    error: ErrorShown | None = None
    journal: Journal | None = None
    differences: list[Difference] = field(default_factory=list)


def run(args: argparse.Namespace) -> int:
    """Replay the transcript; with `--check`, exit 1 when the run differs from it."""
    transcript = read(args.file)
    _refuse(args, transcript)
    if transcript.torn:
        print(f"vidskill: the last line of {args.file} was cut short; replaying the "
              f"{len(transcript.turns)} complete turns.", file=sys.stderr)  # fmt: skip
    if transcript.state:
        print(f"vidskill: the ADK state in {args.file} is not replayed: each replay starts a "
              "fresh session.", file=sys.stderr)  # fmt: skip
    outcome = Outcome(journal=Journal("replay"))
    asyncio.run(_replay(args, transcript, outcome))
    assert outcome.journal is not None
    turns = [t for t in transcript.turns if args.until is None or t.number <= args.until]
    if args.check:
        outcome.differences = compare(turns, outcome.journal.written)
    if args.update and outcome.journal.path is not None:
        _rewrite(Path(args.file), outcome.journal.path)
    _summary(args, outcome)
    if args.check:
        return EXIT_ERROR if outcome.differences else EXIT_OK
    return outcome.error.exit_code if outcome.error is not None else EXIT_OK


def _refuse(args: argparse.Namespace, transcript: Transcript) -> None:
    if args.until is not None and args.until < 1:
        raise UsageError("--until needs a turn number of 1 or more.")
    if args.update and args.until is not None:
        raise UsageError("--update re-records the whole transcript: leave out --until.")
    if args.update and transcript.format != "jsonl":
        raise UsageError(
            f"--update rewrites JSONL transcripts only; first run: "
            f"vidskill transcript export {args.file} --format jsonl -o NEW.jsonl"
        )


async def _replay(args: argparse.Namespace, transcript: Transcript, outcome: Outcome) -> None:
    printer = Printer(args, sys.stdout, sys.stderr)
    skill = args.skill or transcript.skill
    options = ConnectOptions(skill=skill, local=args.local, api=args.api, lang=args.lang)
    last: list[int] = [0]

    def show(turn: Turn, output: Output) -> None:
        if turn.number != last[0] and not printer.as_json:
            last[0] = turn.number
            print(f"› [{turn.number}] {turn.utterance}", flush=True)
        if isinstance(output, ErrorShown) and outcome.error is None:
            outcome.error = output
        printer.show(output)

    async with connect(options, recorder=outcome.journal) as engine:
        outcome.ran = await replay.run(engine, transcript, until=args.until, show=show)
        printer.close()
        if args.until is not None:
            from vidskill.repl.app import run_chat

            await run_chat(engine, resume=False)


def _rewrite(target: Path, journal: Path) -> None:
    text = to_jsonl(read(journal), base=target.parent.absolute())
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)


def _summary(args: argparse.Namespace, outcome: Outcome) -> None:
    journal = outcome.journal
    path = None if journal is None or journal.path is None else str(journal.path)
    if args.json:
        body: dict[str, Any] = {
            "schema": 1,
            "ok": not outcome.differences and (args.check or outcome.error is None),
            "command": "replay",
            "turns": outcome.ran,
            "journal": path,
            "differences": [d.to_json() for d in outcome.differences],
            "updated": bool(args.update and path),
        }
        print(json.dumps(body, ensure_ascii=False))
        return
    for difference in outcome.differences:
        print(difference.describe())
    if args.check:
        found = len(outcome.differences)
        print(f"{found} difference(s)." if found else f"Replay matches: {outcome.ran} turns.")
    if path:
        print(f"Journal: {path}", file=sys.stderr)
    if args.update and path:
        print(f"Updated: {args.file}", file=sys.stderr)
