"""Where the chat's lines come from, and what stops a running turn.

`PromptReader` is for a terminal: a prompt_toolkit prompt to read a line and, while a turn runs,
a two-line status app (what is happening, and the toolbar) that prints nothing itself, so the
turn's output scrolls above it; Ctrl-C there stops the turn and other keys wait for the next
prompt. `LineReader` is for anything else (a piped script): plain lines from the stream, read
by a daemon thread so a blocked read never holds up the exit; SIGINT stops a running turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.application import Application
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.input.typeahead import get_typeahead, store_typeahead
from prompt_toolkit.key_binding import KeyPress
from prompt_toolkit.layout import HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl

from vidskill.repl.keys import busy_bindings
from vidskill.repl.view import STYLE

Turn = asyncio.Task[bool]


class Reader(Protocol):
    """What the chat loop reads lines from."""

    async def read(self) -> str:
        """The next line; EOFError when there is none, KeyboardInterrupt on Ctrl-C."""
        ...

    async def watch(self, turn: Turn) -> None:
        """Return when `turn` is done, cancelling it if the user asks to stop."""
        ...

    def progress(self, text: str) -> bool:
        """Show a progress line in place; False when the reader cannot (it is printed instead)."""
        ...


class BusyLine:
    """The status line shown while a turn runs: a text, and for how long it has run."""

    def __init__(self, label: Callable[[], str]) -> None:
        self.label = label
        self.text = ""
        self.started = time.monotonic()

    def fragments(self) -> StyleAndTextTuples:
        """The line as formatted text."""
        seconds = int(time.monotonic() - self.started)
        return [("class:busy", f"⏳ {self.text or self.label()}  {seconds} s")]


def busy_app(
    line: BusyLine,
    toolbar: Callable[[], StyleAndTextTuples],
    session: PromptSession[str],
    cancel: Callable[[], bool],
) -> tuple[Application[None], list[KeyPress]]:
    """The app drawn while a turn runs (Ctrl-C calls `cancel`), and where other keys go."""
    kept: list[KeyPress] = []
    app: Application[None] = Application(
        layout=Layout(
            HSplit(
                [
                    Window(FormattedTextControl(line.fragments), height=1),
                    Window(FormattedTextControl(toolbar), height=1, style="class:bottom-toolbar"),
                ]
            )
        ),
        key_bindings=busy_bindings(cancel, kept.extend),
        style=STYLE,
        input=session.input,
        output=session.output,
        erase_when_done=True,
        refresh_interval=1.0,
    )
    return app, kept


class PromptReader:
    """Lines from a prompt_toolkit prompt, and a status app that can stop a turn."""

    def __init__(
        self,
        session: PromptSession[str],
        toolbar: Callable[[], StyleAndTextTuples],
        working: Callable[[], str],
    ) -> None:
        self.session = session
        self.toolbar = toolbar
        self.working = working
        self.busy: tuple[Application[None], BusyLine] | None = None

    async def read(self) -> str:
        """The next line typed at the prompt."""
        return await self.session.prompt_async()

    async def watch(self, turn: Turn) -> None:
        """Draw the status app until `turn` is done; Ctrl-C there cancels it."""
        line = BusyLine(self.working)
        app, kept = busy_app(line, self.toolbar, self.session, turn.cancel)

        def stop(_: object = None) -> None:
            if app.future is not None and not app.future.done():
                app.exit()

        def pre_run() -> None:
            if turn.done():
                stop()
            else:
                turn.add_done_callback(stop)

        self.busy = (app, line)
        try:
            await app.run_async(pre_run=pre_run)
        except EOFError:  # the input is gone: nothing can stop the turn any more
            await asyncio.wait({turn})
        finally:
            self.busy = None
            turn.remove_done_callback(stop)
            store_typeahead(self.session.input, kept + get_typeahead(self.session.input))

    def progress(self, text: str) -> bool:
        """Show progress on the status line."""
        if self.busy is None:
            return False
        app, line = self.busy
        line.text = text
        app.invalidate()
        return True


class LineReader:
    """Lines from a stream that is not a terminal; SIGINT stops a turn or asks to leave."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lines: asyncio.Queue[str | Exception | None] | None = None
        self.turn: Turn | None = None
        self.interrupt: asyncio.Future[None] | None = None

    def _start(self) -> asyncio.Queue[str | Exception | None]:
        if self.lines is None:
            loop = asyncio.get_running_loop()
            self.lines = asyncio.Queue()
            threading.Thread(target=self._pump, args=(loop, self.lines), daemon=True).start()
            # Event loops without signal support (Windows, a non-main thread) refuse this.
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(signal.SIGINT, self._sigint)
        return self.lines

    def _pump(
        self, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | Exception | None]
    ) -> None:
        text: str | Exception | None = ""
        while text is not None:
            try:
                text = self.stream.readline() or None
            except (OSError, ValueError) as exc:  # a bad line is reported; reading goes on
                text = exc
            try:
                loop.call_soon_threadsafe(lines.put_nowait, text)
            except RuntimeError:  # the loop has closed: nobody is reading any more
                return

    def _sigint(self) -> None:
        if self.turn is not None and not self.turn.done():
            self.turn.cancel()
        elif self.interrupt is not None and not self.interrupt.done():
            self.interrupt.set_result(None)

    async def read(self) -> str:
        """The next line of the stream, without its newline."""
        lines = self._start()
        self.interrupt = asyncio.get_running_loop().create_future()
        get = asyncio.ensure_future(lines.get())
        either: set[asyncio.Future[Any]] = {get, self.interrupt}
        try:
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        finally:
            interrupted = not get.done()
            get.cancel()  # a line not taken stays in the queue for the next read
        if interrupted:
            raise KeyboardInterrupt
        text = get.result()
        if text is None:
            raise EOFError
        if isinstance(text, Exception):
            raise text
        return text.rstrip("\r\n")

    async def watch(self, turn: Turn) -> None:
        """Wait for `turn`; SIGINT meanwhile cancels it."""
        self.turn = turn
        try:
            await asyncio.wait({turn})
        finally:
            self.turn = None

    def progress(self, text: str) -> bool:
        """Progress is printed as lines here."""
        return False

    def close(self) -> None:
        """Stop listening for SIGINT."""
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGINT)
