"""Completion for the chat prompt: slash commands, their arguments and file paths.

Everything here is a pure function of a `Document`; the one thing that reads the disk, listing a
folder, is passed in (`list_dir` is the real one). A path is completed after `/upload` and for any
word that looks like a path (`/…`, `~/…`, `./…`, `../…`, `a/b`). A completed path with a space in
it is quoted the way the router reads it back: in the quote the user opened, with backslashes if
the user escaped spaces that way, else in double quotes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from vidskill.router import SLASH_COMMANDS

LANGUAGES = ("en", "zh-CN")
_PATH_STARTS = ("/", "~", "./", "../")
_NEEDS_QUOTES = frozenset(" \t\"'\\")


class Entry(NamedTuple):
    """One name in a folder, and whether it is a folder itself."""

    name: str
    is_dir: bool


Lister = Callable[[str], Iterable[Entry]]


@dataclass(frozen=True)
class Word:
    """The word under the cursor: where it starts, as typed, unquoted, and how it is quoted."""

    index: int  # 0 for the first word of the line
    start: int  # offset in the line before the cursor
    raw: str
    value: str
    quote: str  # the quote character left open, or ""
    escaped: bool  # the user escaped something with a backslash


def list_dir(folder: str) -> list[Entry]:
    """The entries of a folder as typed (`~` expanded, "" meaning the current folder)."""
    try:
        with os.scandir(os.path.expanduser(folder) if folder else ".") as found:
            return [Entry(entry.name, _is_dir(entry)) for entry in found]
    except OSError:
        return []


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def words(line: str) -> list[Word]:
    """Split a line as a shell would (quotes and backslash escapes), keeping where words start."""
    found: list[Word] = []
    start, value, quote, escaped, i = -1, "", "", False, 0
    while i < len(line):
        char = line[i]
        if start < 0 and char.isspace():
            i += 1
            continue
        if start < 0:
            start = i
        if quote and char == quote:
            quote = ""
        elif not quote and char in "\"'" and (i == start or value == ""):
            quote = char
        elif char == "\\" and not quote and i + 1 < len(line):
            value, escaped, i = value + line[i + 1], True, i + 1
        elif char.isspace() and not quote:
            found.append(Word(len(found), start, line[start:i], value, "", escaped))
            start, value, escaped = -1, "", False
        else:
            value += char
        i += 1
    if start >= 0:
        found.append(Word(len(found), start, line[start:], value, quote, escaped))
    return found


def current_word(document: Document) -> tuple[Word, list[Word]]:
    """The word the cursor is in (empty after a space) and the words before it."""
    line = document.current_line_before_cursor
    found = words(line)
    # A word still runs at the cursor unless an unquoted, unescaped space closed it.
    if found and found[-1].start + len(found[-1].raw) == len(line):
        return found[-1], found[:-1]
    return Word(len(found), len(line), "", "", "", False), found


def completions(
    document: Document,
    *,
    list_dir: Lister = list_dir,
    skills: Sequence[str] = (),
    languages: Sequence[str] = LANGUAGES,
) -> Iterator[Completion]:
    """What may complete the word under the cursor: a command, a command's argument or a path."""
    word, before = current_word(document)
    command = before[0].value.lower() if before and before[0].value.startswith("/") else ""
    if word.index == 0 and word.value.startswith("/") and word.value.count("/") == 1:
        names = list(command_completions(word))
        if names:
            yield from names
            return
    if word.index == 1 and command == "/skill":
        yield from choices(word, skills)
    elif word.index == 1 and command == "/lang":
        yield from choices(word, languages)
    elif command == "/upload" or looks_like_path(word):
        yield from path_completions(word, list_dir)


def command_completions(word: Word) -> Iterator[Completion]:
    """Slash commands starting with what was typed."""
    typed = word.value[1:].lower()
    for name in SLASH_COMMANDS:
        if name.startswith(typed):
            yield Completion(f"/{name}", start_position=-len(word.raw), display=f"/{name}")


def choices(word: Word, options: Sequence[str]) -> Iterator[Completion]:
    """The options starting with what was typed, case aside."""
    typed = word.value.lower()
    for option in options:
        if option.lower().startswith(typed):
            yield Completion(option, start_position=-len(word.raw))


def looks_like_path(word: Word) -> bool:
    """Whether a word is worth completing as a path."""
    return bool(word.value) and (word.value.startswith(_PATH_STARTS) or "/" in word.value)


def path_completions(word: Word, list_dir: Lister) -> Iterator[Completion]:
    """Names in the word's folder that start with the word's last part, quoted as needed."""
    cut = word.value.rfind("/") + 1
    folder, prefix = word.value[:cut], word.value[cut:]
    entries = [e for e in list_dir(folder) if _shown(e.name, prefix)]
    for entry in sorted(entries, key=lambda e: (e.name.lower(), e.name)):
        path = folder + entry.name + ("/" if entry.is_dir else "")
        yield Completion(
            quoted(path, word, closed=not entry.is_dir),
            start_position=-len(word.raw),
            display=entry.name + ("/" if entry.is_dir else ""),
        )


def _shown(name: str, prefix: str) -> bool:
    return name.startswith(prefix) and (prefix.startswith(".") or not name.startswith("."))


def quoted(path: str, word: Word, *, closed: bool) -> str:
    """A path written so the router reads it back whole; a folder's quote stays open."""
    if word.quote:
        quote = word.quote
    elif word.escaped:
        return "".join("\\" + c if c in _NEEDS_QUOTES else c for c in path)
    elif any(c in _NEEDS_QUOTES for c in path):
        quote = "'" if '"' in path else '"'
    else:
        return path
    return quote + path + (quote if closed else "")


class ChatCompleter(Completer):
    """The prompt's completer: `completions` with the folder lister and the skills to offer."""

    def __init__(self, *, skills: Sequence[str] = (), lister: Lister = list_dir) -> None:
        self.skills = tuple(skills)
        self.lister = lister

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        """Completions for the word under the cursor."""
        return completions(document, list_dir=self.lister, skills=self.skills)
