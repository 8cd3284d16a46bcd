"""The chat loop: read a line, run it as a turn the user can stop, show what comes back.

The loop has ptpython's shape: read; on EOF leave; a failure while reading is shown and the
loop goes on; each line runs as its own task, so Ctrl-C stops the turn, not the chat. A Ctrl-C
at an empty prompt shows a hint, a second one (or Ctrl-D) leaves. Output goes through one
`Sink`, which prints above the prompt or the status line (`patch_stdout` sends any stray print
the same way). Errors become user text here, the one place the chat turns them into words.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path
from typing import Protocol, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import FileHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output as Terminal
from prompt_toolkit.output import create_output
from prompt_toolkit.patch_stdout import patch_stdout

from vidskill import messages, paths, skill
from vidskill.client import Credits
from vidskill.engine.outputs import Output, Progress, Quit, SkillChanged
from vidskill.repl import view
from vidskill.repl.completer import ChatCompleter
from vidskill.repl.keys import prompt_bindings
from vidskill.repl.readers import LineReader, PromptReader, Reader, Turn
from vidskill.repl.toolbar import Info, toolbar

MAX_READ_FAILURES = 5  # in a row: past that the input is broken, not the line


class ChatEngine(Protocol):
    """What the chat needs of the engine (vidskill.engine.Engine has it)."""

    @property
    def skill(self) -> skill.Skill:
        """The skill in use."""
        ...

    @property
    def lang(self) -> str:
        """The user's language."""
        ...

    @property
    def session_id(self) -> str | None:
        """The backend session, once there is one."""
        ...

    @property
    def credits(self) -> Credits | None:
        """The last known credit balance."""
        ...

    def start(self, *, resume: bool) -> AsyncIterator[Output]:
        """Connect, and resume the remembered session when asked."""
        ...

    def handle(self, utterance: str) -> AsyncIterator[Output]:
        """Everything one line of the user leads to."""
        ...


class Chat:
    """One chat: an engine, a reader of lines, and the sink that shows what happens."""

    def __init__(self, engine: ChatEngine, reader: Reader, sink: view.Sink, *, echo: bool) -> None:
        self.engine = engine
        self.reader = reader
        self.sink = sink
        self.echo = echo
        self.leaving = False  # a Ctrl-C at an empty prompt asked to leave
        self.starting: Turn | None = None  # connecting, while the first prompt is already up
        self.printed: tuple[str, int] | None = None  # the last progress step printed as a line

    async def run(self, *, resume: bool) -> None:
        """Greet, connect while the first prompt is up, then run lines until the user leaves."""
        await self.greet()
        self.starting = asyncio.create_task(self.connect(resume))
        try:
            await self.loop()
        finally:
            self.starting.cancel()
            await asyncio.wait({self.starting})

    async def connect(self, resume: bool) -> bool:
        """Show the engine's start ("Connecting..." then ready); a failure is shown, not raised."""
        try:
            return await self.show_all(self.engine.start(resume=resume))
        except Exception as exc:
            await self.sink.write(view.failure(exc, self.engine.lang))
            return False

    async def greet(self) -> None:
        """Show the skill's greeting and examples in the user's language."""
        lang = self.engine.lang
        await self.sink.write(view.greeting(self.engine.skill.texts(lang), lang))

    async def loop(self) -> None:
        """Read and run lines until EOF, a second Ctrl-C or a Quit."""
        failures = 0
        while failures < MAX_READ_FAILURES:
            try:
                line = await self.reader.read()
            except EOFError:
                return
            except KeyboardInterrupt:
                if self.leaving:
                    return
                self.leaving = True
                await self.sink.write(view.note("leave_hint", self.engine.lang))
                continue
            except Exception as exc:  # a failure while reading is shown, and reading goes on
                failures += 1
                await self.sink.write(view.failure(exc, self.engine.lang))
                continue
            self.leaving, failures = False, 0
            if line.strip() and await self.turn(line):
                return

    async def turn(self, line: str) -> bool:
        """Run one line once connected (a Ctrl-C while connecting drops it); True to leave."""
        if self.starting is not None and not self.starting.done():
            await self.settle(self.starting)
            if self.starting.cancelled():
                return False
        if self.echo:
            await self.sink.write(view.echo(line))
        return await self.settle(asyncio.create_task(self.show_all(self.engine.handle(line))))

    async def settle(self, task: Turn) -> bool:
        """Wait for a task of outputs the user can stop; True when it ended the chat."""
        try:
            await self.reader.watch(task)
            return await task
        except asyncio.CancelledError:
            if _cancelling():
                raise
            await self.sink.write(view.note("cancelled", self.engine.lang))
        except Exception as exc:
            await self.sink.write(view.failure(exc, self.engine.lang))
        finally:
            task.cancel()
        return False

    async def show_all(self, outputs: AsyncIterator[Output]) -> bool:
        """Show each output as it comes; True when one asked to leave."""
        try:
            async for out in outputs:
                await self.show(out)
                if isinstance(out, Quit):
                    return True
            return False
        finally:
            if isinstance(outputs, AsyncGenerator):
                await outputs.aclose()

    async def show(self, out: Output) -> None:
        """Show one output; progress goes on the status line, else as a line each quarter."""
        if isinstance(out, Progress):
            if self.reader.progress(view.progress_text(out)) or self.printed == view.step(out):
                return
            self.printed = view.step(out)
        await self.sink.write(view.show(out, self.engine.lang))
        if isinstance(out, SkillChanged):  # the engine itself sends the new skill's greeting
            lang = self.engine.lang
            await self.sink.write(view.examples(self.engine.skill.texts(lang), lang))


def _cancelling() -> bool:
    """Whether the running task itself is being cancelled (not just a turn it awaited)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def info(engine: ChatEngine) -> Info:
    """What the toolbar shows now."""
    available = engine.credits.available if engine.credits is not None else None
    return Info(engine.skill.display_name, engine.session_id, engine.lang, available)


def history_file() -> Path:
    """The prompt's history file, in vidskill's config folder."""
    path = paths.config_dir() / "history"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def prompt_session(
    engine: ChatEngine, *, input: Input | None = None, output: Terminal | None = None
) -> PromptSession[str]:
    """The prompt: history, suggestions, completion, Alt-Enter for new lines, the toolbar."""
    return PromptSession(
        [("class:prompt", "› ")],
        history=FileHistory(str(history_file())),
        auto_suggest=AutoSuggestFromHistory(),
        completer=ChatCompleter(skills=skill.bundled()),
        complete_while_typing=True,
        key_bindings=prompt_bindings(),
        bottom_toolbar=lambda: toolbar(info(engine)),
        prompt_continuation="  ",
        style=view.STYLE,
        input=input,
        output=output,
    )


def prompt_reader(session: PromptSession[str], engine: ChatEngine) -> PromptReader:
    """The terminal reader over a prompt session."""

    def bar() -> StyleAndTextTuples:
        return toolbar(info(engine))

    return PromptReader(session, bar, lambda: messages.text("chat_working", engine.lang))


async def run_terminal(
    engine: ChatEngine,
    *,
    resume: bool,
    input: Input | None = None,
    output: Terminal | None = None,
    shown: Terminal | None = None,
) -> None:
    """The chat at a terminal (or on a pipe input in tests); `shown` is where outputs go."""
    session = prompt_session(engine, input=input, output=output)
    sink = view.Sink(shown or session.output)
    with patch_stdout(raw=True):
        await Chat(engine, prompt_reader(session, engine), sink, echo=False).run(resume=resume)


async def run_lines(
    engine: ChatEngine, *, resume: bool, stream: TextIO, shown: Terminal | None = None
) -> None:
    """The chat over lines that do not come from a terminal (a piped script)."""
    reader = LineReader(stream)
    sink = view.Sink(shown or create_output(sys.stdout))
    try:
        await Chat(engine, reader, sink, echo=True).run(resume=resume)
    finally:
        reader.close()


async def run_chat(engine: ChatEngine, *, resume: bool) -> None:
    """The chat on this process's terminal, or over its stdin when that is not a terminal."""
    if sys.stdin.isatty():
        await run_terminal(engine, resume=resume)
    else:
        await run_lines(engine, resume=resume, stream=sys.stdin)
