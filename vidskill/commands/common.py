"""What the one-shot commands share: their options, and the runner that prints an engine's outputs.

Results go to stdout, diagnostics to stderr: status and progress lines only when stderr is a
terminal (or as JSON lines with `--progress json`), errors always. With `--json`, stdout gets
exactly one JSON object per command (schema 1, documented in README.md) and nothing else. The
commands never prompt. Exit codes are those of `vidskill.cli`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable
from typing import TextIO

from vidskill import errors, messages
from vidskill.cli import EXIT_OK
from vidskill.commands import options
from vidskill.commands.oneshot import Report
from vidskill.connect import ConnectOptions, connect
from vidskill.engine import (
    CreditsShown,
    Engine,
    ErrorShown,
    FileWritten,
    Notice,
    Output,
    Progress,
    Said,
    StateShown,
    Status,
    TimelineShown,
    explain,
)
from vidskill.transcripts import Journal

Work = Callable[[Engine], AsyncIterator[Output]]


def add_options(parser: argparse.ArgumentParser) -> None:
    """Declare the options every one-shot command takes."""
    options.add_backend(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    options.add_lang(parser)
    parser.add_argument(
        "--progress",
        choices=("auto", "json", "none"),
        default="auto",
        help="progress on stderr: auto (only on a terminal), json lines, or none",
    )


class Printer:
    """Shows outputs as they come: results on stdout, diagnostics on stderr."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.as_json = bool(args.json)
        self.progress = str(getattr(args, "progress", "auto"))
        self.out, self.err = out, err
        self._live = self.progress == "auto" and err.isatty()
        self._bar = False  # a progress line is being redrawn in place on the terminal

    def show(self, output: Output) -> None:
        """Print one output where it belongs."""
        if isinstance(output, Status | Progress):
            self._diagnostic(output)
            return
        self._end_bar()
        if isinstance(output, ErrorShown):
            print(f"vidskill: {output.message}", file=self.err, flush=True)
        elif not self.as_json:
            line = _result_line(output)
            if line:
                print(line, file=self.out, flush=True)

    def _diagnostic(self, output: Status | Progress) -> None:
        if self.progress == "json":
            print(json.dumps(output.to_json(), ensure_ascii=False), file=self.err, flush=True)
        elif self._live and isinstance(output, Progress):
            print(f"\r{_diagnostic_line(output)}\x1b[K", end="", file=self.err, flush=True)
            self._bar = True
        elif self._live:
            self._end_bar()
            print(_diagnostic_line(output), file=self.err, flush=True)

    def close(self) -> None:
        """End a progress line left open on the terminal."""
        self._end_bar()

    def _end_bar(self) -> None:
        if self._bar:
            print(file=self.err, flush=True)
            self._bar = False


def _diagnostic_line(output: Status | Progress) -> str:
    if isinstance(output, Status):
        return output.text
    fraction = output.fraction
    if fraction is None:
        return f"{output.label}: {output.done / 1_000_000:.1f} MB"
    return f"{output.label}: {fraction:.0%}"


def _result_line(output: Output) -> str:
    if isinstance(output, Said | Notice):
        return output.text
    if isinstance(output, CreditsShown | FileWritten):
        return output.text
    if isinstance(output, TimelineShown):
        return "\n".join(part for part in (output.summary, output.drawing) if part)
    if isinstance(output, StateShown):
        return "\n".join([output.summary, *(f"  - {asset}" for asset in output.assets)])
    return ""


def run_oneshot(
    args: argparse.Namespace,
    command: str,
    work: Work,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Connect, run `work` on the engine, print its outputs; returns the exit code."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    printer = Printer(args, out, err)
    report = Report(command, lang=messages.normalize(getattr(args, "lang", None) or "en"))

    def take(output: Output) -> None:
        report.take(output)
        printer.show(output)

    try:
        asyncio.run(_session(args, work, report, take))
    except KeyboardInterrupt:
        take(explain(errors.InterruptedError_(), skill=None, lang=report.lang))
    printer.close()
    if printer.as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False), file=out, flush=True)
    return report.exit_code if report.error is not None else EXIT_OK


async def _session(
    args: argparse.Namespace, work: Work, report: Report, take: Callable[[Output], None]
) -> None:
    journal = Journal(report.command)
    try:
        async with connect(ConnectOptions.from_args(args), recorder=journal) as engine:
            engine.restore()
            report.lang = engine.lang
            try:
                async for output in work(engine):
                    take(output)
            finally:
                report.finish(engine)
                report.journal = None if journal.path is None else str(journal.path)
    except errors.VidskillError as exc:
        take(explain(exc, skill=None, lang=report.lang))
