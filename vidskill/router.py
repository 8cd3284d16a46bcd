"""Decide what a line the user typed asks for, before anything reaches the agent.

A line is, in this order: a slash command; local files or media URLs to upload (with the rest
of the line as a follow-up instruction); an action the runtime does itself (export, credits,
state, upload); or a chat turn for the agent. Actions are found by one precompiled scan that
yields, left to right, quoted passages, noun phrases that only look like actions ("status bar",
"end credits"), content markers ("the word ..."), action keywords, edit verbs, negations,
deferrals and clause ends. A keyword that is negated or put off in its clause ("don't export
yet", "先别导出", "before exporting"), quoted, or part of an edit ("add a 'download now' text")
does not act: the line goes to the agent. Latin words match on ASCII letter boundaries, so
"导出mp4" and "用export" work where `\\b` would not (Python counts Han characters as word
characters); Han words match as substrings.

The core is pure: whether a path exists is asked of the injected `exists`, and `~` is expanded
only against an injected `home`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from vidskill import lang
from vidskill._router_files import find_attachments
from vidskill._router_words import ALONE, KINDS, events, lowered

Kind = Literal["export", "credits", "state", "upload", "chat", "command"]

SLASH_COMMANDS = (
    "help", "upload", "export", "credits", "state", "timeline", "why", "new", "skill", "lang",
    "quit",
)  # fmt: skip
_COMMAND_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_SLASH_KINDS: dict[str, Kind] = {
    "export": "export", "credits": "credits", "state": "state", "upload": "upload",
}  # fmt: skip
_ASKS = {
    "export": "asks for the finished video",
    "credits": "asks about credits",
    "state": "asks about the project's state",
    "upload": "asks to upload a file",
}


@dataclass(frozen=True)
class Why:
    """Why a line was routed as it was: the rule, the words that decided and where they are."""

    rule: str
    keyword: str = ""
    start: int = -1
    end: int = -1
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """The reason as a JSON-ready mapping."""
        return {
            "rule": self.rule,
            "keyword": self.keyword,
            "start": self.start,
            "end": self.end,
            "note": self.note,
        }


@dataclass(frozen=True)
class Intent:
    """What one line asks for.

    `text` is what is left to send to the agent: the whole line for chat, the follow-up
    instruction for an upload (route it again: it may ask for an export), the line as typed for
    export, credits and state (nothing is sent), the arguments for a slash command. `lang` is
    worked out from `text` when first read, since detection costs far more than routing.
    """

    kind: Kind
    text: str
    files: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    command: str | None = None
    args: str = ""
    why: Why = Why("default")

    @cached_property
    def lang(self) -> str:
        """The language of `text` ("en", "zh-CN", ...)."""
        return lang.detect(self.text)

    def to_json(self) -> dict[str, Any]:
        """The intent as a JSON-ready mapping."""
        return {
            "intent": self.kind,
            "lang": self.lang,
            "files": list(self.files),
            "urls": list(self.urls),
            "text": self.text,
            "command": self.command,
            "args": self.args,
            "why": self.why.to_json(),
        }


def _never(path: str) -> bool:
    return False


def route(text: str, *, exists: Callable[[str], bool] = _never, home: str | None = None) -> Intent:
    """Route one line: a slash command, files to upload, an action, or a chat turn."""
    body = text.strip()
    if not body:
        return Intent("chat", "", why=Why("empty", note="nothing to route"))
    if body[0] in "/／、":
        intent = _slash(text, exists, home)
        if intent is not None:
            return intent
    found = find_attachments(text, 0, exists, home, explicit=False)
    if found is not None:
        return Intent(
            "upload", found.rest, found.files, found.urls,
            why=Why(found.rule, found.keyword, found.start, found.end, found.note),
        )  # fmt: skip
    return _by_words(text, body)


def _slash(text: str, exists: Callable[[str], bool], home: str | None) -> Intent | None:
    lead = len(text) - len(text.lstrip())
    end = lead + 1
    while end < len(text) and not text[end].isspace():
        end += 1
    token = text[lead:end]
    word = token[1:].lower()
    if word not in SLASH_COMMANDS:
        named = _COMMAND_NAME.fullmatch(word) is not None
        # "/Users/me/clip.mp4" and an existing "/tmp" are paths; "／" and "、" only start known names.
        if token[0] != "/" or (word and (not named or exists(token))):
            return None
    args = text[end:].strip()
    if word == "upload":
        found = find_attachments(text, end, exists, home, explicit=True)
        note = found.note if found else "no existing file or URL in the arguments"
        return Intent(
            "upload", found.rest if found else args, found.files if found else (),
            found.urls if found else (), command=word, args=args,
            why=Why("slash", token, lead, end, note),
        )  # fmt: skip
    if word in _SLASH_KINDS:
        why = Why("slash", token, lead, end, f"slash command: {_ASKS[word]}")
        return Intent(_SLASH_KINDS[word], args, command=word, args=args, why=why)
    rule, note = ("slash", "slash command") if word in SLASH_COMMANDS else (
        "unknown-command", "not a known slash command")  # fmt: skip
    return Intent("command", args, command=word, args=args, why=Why(rule, token, lead, end, note))


def _by_words(text: str, body: str) -> Intent:
    rule, kind, start, end, note = _decide(text, _scan(text))
    why = Why(rule, text[start:end] if start >= 0 else "", start, end, note)
    return Intent(kind, body, why=why)


# A hit is (group, start, end, rule, words): an active keyword has rule "" and no words; a held
# one "negated" or "deferred" and its cue; a skipped passage "quote", "phrase" or "content".
_Hit = tuple[str, int, int, str, str]


class _Found:
    __slots__ = ("active", "edits", "held", "skipped")

    def __init__(self) -> None:
        self.active: list[_Hit] = []
        self.held: list[_Hit] = []
        self.edits: list[_Hit] = []
        self.skipped: list[_Hit] = []


def _scan(text: str) -> _Found:
    """One left-to-right pass over the events of a line, clause by clause."""
    found = _Found()
    cue: tuple[str, str] | None = None  # (rule, cue words) in force in this clause
    content = ""
    pending: list[_Hit] = []  # this clause's keywords, until a cue after them puts them off
    for start, end, group in events(lowered(text)):
        if group in KINDS:
            if cue is not None:
                found.held.append((group, start, end, *cue))
            elif content:
                found.skipped.append(("content", start, end, "content", content))
            else:
                pending.append((group, start, end, "", ""))
        elif group == "edit":
            if cue is None or cue[0] != "negated":
                found.edits.append((group, start, end, "", ""))
        elif group == "stop":
            found.active += pending
            cue, content, pending = None, "", []
        elif group == "content":
            content = text[start:end]
        elif group in ("quote", "phrase"):
            found.skipped.append((group, start, end, group, ""))
        else:  # a cue: "neg" and "wait" act forwards, "later" backwards, "both" both ways
            words = text[start:end]
            if group != "later":
                cue = ("negated" if group == "neg" else "deferred", words)
            if group in ("later", "both"):
                found.held += [(k, s, e, "deferred", words) for k, s, e, _, _ in pending]
                pending = []
    found.active += pending
    return found


def _decide(text: str, found: _Found) -> tuple[str, Kind, int, int, str]:
    """The rule, kind, deciding span and note for a scanned line."""
    if found.active:
        kind, start, end, _, _ = min(found.active, key=_position)
        edit = found.edits[0] if found.edits else None
        if edit is None or (kind == "upload" and edit[1] > start):
            return "keyword", kind, start, end, _ASKS[kind]  # type: ignore[return-value]
        verb, word = text[edit[1] : edit[2]], text[start:end]
        return "edit", "chat", edit[1], edit[2], f"an edit ('{verb}') goes first; '{word}' waits"
    if found.held:
        _, start, end, rule, cue = min(found.held, key=_position)
        verb = "negates" if rule == "negated" else "puts off"
        return rule, "chat", start, end, f"'{cue}' {verb} '{text[start:end]}'"
    if found.edits:
        _, start, end, _, _ = found.edits[0]
        return "edit", "chat", start, end, f"an edit ('{text[start:end]}') for the agent"
    return _skipped(text, found.skipped)


def _position(hit: _Hit) -> int:
    return hit[1]


def _skipped(text: str, skipped: list[_Hit]) -> tuple[str, Kind, int, int, str]:
    low = lowered(text)
    for group, start, end, _, marker in skipped:
        words = text[start:end]
        if group == "content":
            return "content", "chat", start, end, f"'{words}' is text for the video ('{marker}')"
        if group == "phrase":
            return "phrase", "chat", start, end, f"'{words}' is part of the video, not a request"
        inner = events(low[start + 1 : end - 1], keywords_only=True)
        if inner:
            first, last, _ = inner[0]
            word = text[start + 1 + first : start + 1 + last]
            note = f"'{word}' is quoted: words for the video"
            return "quoted", "chat", start + 1 + first, start + 1 + last, note
    alone = ALONE.match(low)
    if alone is not None:
        return "keyword", "state", *alone.span(1), _ASKS["state"]
    return "default", "chat", -1, -1, "no action asked for: a chat turn for the agent"
