"""How the chat shows things: engine outputs and its own lines as formatted text, and one sink.

Every function here but `Sink.write` is pure: it turns a value into prompt_toolkit fragments
(`(style, text)` pairs, each piece ending in a newline). The text of an engine output is already
in the user's language; the few words the chat adds come from `vidskill.messages`. `Sink` is
the only thing that writes: above the prompt while one is drawn, else straight to the output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prompt_toolkit.application import run_in_terminal
from prompt_toolkit.formatted_text import StyleAndTextTuples, fragment_list_to_text
from prompt_toolkit.output import Output as Terminal
from prompt_toolkit.renderer import print_formatted_text
from prompt_toolkit.styles import BaseStyle, Style

from vidskill import messages
from vidskill.engine.outputs import (
    CreditsShown,
    ErrorShown,
    FileWritten,
    Notice,
    Output,
    Progress,
    Quit,
    Said,
    SkillChanged,
    StateShown,
    Status,
    TimelineShown,
)
from vidskill.errors import VidskillError
from vidskill.repl.toolbar import number
from vidskill.skill import Texts

STYLE = Style.from_dict(
    {
        "said": "",
        "status": "#888888",
        "progress": "#5f87af",
        "timeline": "#87afaf",
        "notice": "#d7af5f",
        "error": "#d75f5f bold",
        "file": "#5faf5f bold",
        "greeting": "bold",
        "example": "#87afd7",
        "hint": "#888888 italic",
        "prompt": "#5fafd7 bold",
        "busy": "#888888",
        "bottom-toolbar": "noreverse bg:#303030 #bcbcbc",
        "bottom-toolbar.label": "bg:#303030 #808080",
        "bottom-toolbar.value": "bg:#303030 #ffffff",
    }
)
_BAR = 20  # characters of a progress bar


def plain(fragments: StyleAndTextTuples) -> str:
    """The text of fragments without their styles."""
    return fragment_list_to_text(fragments)


def line(style: str, text: str) -> StyleAndTextTuples:
    """One styled piece of text ending in a newline (nothing for empty text)."""
    return [(f"class:{style}", text.rstrip("\n") + "\n")] if text.strip() else []


def said(out: Said, lang: str) -> StyleAndTextTuples:
    """The agent's words."""
    return line("said", out.text)


def status(out: Status, lang: str) -> StyleAndTextTuples:
    """A passing status line."""
    return line("status", f"· {out.text}")


def progress_text(out: Progress) -> str:
    """A step's progress as one line: label, bar and percentage when the total is known."""
    fraction = out.fraction
    if fraction is None:
        return f"{out.label} …"
    filled = round(fraction * _BAR)
    return f"{out.label} [{'█' * filled}{'░' * (_BAR - filled)}] {round(fraction * 100)}%"


def step(out: Progress) -> tuple[str, int]:
    """How far a step is, in quarters (-1 when its total is unknown), to print it sparsely."""
    fraction = out.fraction
    return out.label, -1 if fraction is None else int(fraction * 4)


def progress(out: Progress, lang: str) -> StyleAndTextTuples:
    """A progress line."""
    return line("progress", progress_text(out))


def timeline(out: TimelineShown, lang: str) -> StyleAndTextTuples:
    """The timeline's summary and its drawing."""
    return line("timeline", out.summary) + line("timeline", out.drawing)


def credits(out: CreditsShown, lang: str) -> StyleAndTextTuples:
    """The credit balance."""
    words = out.text or messages.text(
        "credits",
        lang,
        available=number(out.available),
        frozen=number(out.frozen),
        total=number(out.total),
    )
    return line("notice", words)


def state(out: StateShown, lang: str) -> StyleAndTextTuples:
    """The project's state: its timeline summary and its media files."""
    return line("timeline", out.summary) + [("class:status", f"  • {a}\n") for a in out.assets]


def file_written(out: FileWritten, lang: str) -> StyleAndTextTuples:
    """A saved video with what it is: size, length and picture size."""
    return line("file", out.text or f"✔ {out.path} ({file_facts(out)})")


def file_facts(out: FileWritten) -> str:
    """The facts of a saved video: picture size, length and file size, as known."""
    facts = []
    if out.width and out.height:
        facts.append(f"{out.width}x{out.height}")
    if out.duration is not None:
        facts.append(f"{out.duration:.1f} s")
    facts.append(f"{out.size / 1_000_000:.1f} MB")
    return ", ".join(facts)


def notice(out: Notice, lang: str) -> StyleAndTextTuples:
    """Something the runtime tells the user."""
    return line("notice", out.text)


def error(out: ErrorShown, lang: str) -> StyleAndTextTuples:
    """An error as the user reads it."""
    return line("error", f"✖ {out.message}")


def quit_(out: Quit, lang: str) -> StyleAndTextTuples:
    """The goodbye."""
    return line("hint", messages.text("chat_bye", lang))


def skill_changed(out: SkillChanged, lang: str) -> StyleAndTextTuples:
    """The skill now in use."""
    return line("notice", messages.text("chat_skill_changed", lang, name=out.name))


_SHOW: dict[type[Any], Callable[[Any, str], StyleAndTextTuples]] = {
    Said: said,
    Status: status,
    Progress: progress,
    TimelineShown: timeline,
    CreditsShown: credits,
    StateShown: state,
    FileWritten: file_written,
    Notice: notice,
    ErrorShown: error,
    Quit: quit_,
    SkillChanged: skill_changed,
}


def show(out: Output, lang: str) -> StyleAndTextTuples:
    """Any engine output as fragments; a kind this chat does not know shows as a status line."""
    shown = _SHOW.get(type(out))
    if shown is None:
        return line("status", f"· {type(out).__name__}")
    return shown(out, lang)


def greeting(texts: Texts, lang: str) -> StyleAndTextTuples:
    """The skill's greeting and its "try saying" examples."""
    return line("greeting", texts.greeting) + examples(texts, lang)


def examples(texts: Texts, lang: str) -> StyleAndTextTuples:
    """The skill's "try saying" examples (nothing when it has none)."""
    if not texts.examples:
        return []
    tries = [("class:example", f"  “{example}”\n") for example in texts.examples]
    return line("hint", messages.text("chat_try_saying", lang)) + tries


def echo(text: str) -> StyleAndTextTuples:
    """A line the user sent, shown when it did not come from a prompt (a piped script)."""
    return [("class:prompt", "› "), ("", text.rstrip("\n") + "\n")]


def note(key: str, lang: str, **fmt: object) -> StyleAndTextTuples:
    """One of the chat's own lines (a hint, a notice that a turn stopped, ...)."""
    return line("hint", messages.text(f"chat_{key}", lang, **fmt))


def failure(exc: BaseException, lang: str) -> StyleAndTextTuples:
    """An error that reached the chat loop, as one line without a stack trace."""
    if isinstance(exc, VidskillError) and str(exc):
        return line("error", f"✖ {exc}")
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return line("error", "✖ " + messages.text("err_other", lang, detail=detail))


class Sink:
    """The one place the chat writes: above a prompt while one is drawn, else straight out."""

    def __init__(self, terminal: Terminal, style: BaseStyle = STYLE) -> None:
        self.terminal = terminal
        self.style = style

    async def write(self, fragments: StyleAndTextTuples) -> None:
        """Print fragments, waiting until they are out."""
        if fragments:
            await run_in_terminal(lambda: self._print(fragments))

    def _print(self, fragments: StyleAndTextTuples) -> None:
        print_formatted_text(self.terminal, fragments, self.style)
        self.terminal.flush()
