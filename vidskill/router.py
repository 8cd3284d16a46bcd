"""Decide what a line the user typed asks for, before anything reaches the agent.

A line is, in this order: a slash command; local files or media URLs to upload (with the rest
of the line as a follow-up instruction); an action the runtime does itself (export, credits,
state, upload); or a chat turn for the agent. Actions are found by a precompiled scan that
yields, left to right, quoted passages, noun phrases that only look like actions ("status bar",
"end credits"), content markers ("the word ..."), action keywords, edit verbs, negations,
deferrals and clause ends (see `_router_words`). A keyword that is negated or put off in its
clause ("don't export yet", "先别导出", "before exporting"), quoted, or said along with an edit
("add a 'download now' text", "add a logo and export") does not act: the line goes to the
agent, which makes the edit first. Latin words match on ASCII letter boundaries, so "导出mp4"
and "用export" work where `\\b` would not (Python counts Han characters as word characters);
Han words match as substrings.

The core is pure: whether a path exists is asked of the injected `exists`, and `~` is expanded
only against an injected `home` (the command line passes `os.path.exists` and the user's home).
A line longer than `LONG` is content (a pasted script), never a request to the runtime.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from vidskill import lang
from vidskill._router_files import HINT, find_attachments
from vidskill._router_words import ALONE, KINDS, Event, events, keywords, lowered

Kind = Literal["export", "credits", "state", "upload", "chat", "command"]

SLASH_COMMANDS = (
    "help", "upload", "export", "credits", "state", "timeline", "why", "new", "skill", "lang",
    "quit",
)  # fmt: skip
# Past this many characters a line is a pasted script or text, not a request to the runtime.
LONG = 2000
_COMMAND_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_SLASH = re.compile(r"\s*([/／、]\S*)")
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


# Frozen dataclasses assign each field through object.__setattr__ in __init__. The router
# builds two values for every line, so it fills the instance dictionary in one step instead:
# the same values (equal, hashable, frozen), at a fraction of the cost. Keep the field lists
# here in step with the classes above.
def _why(rule: str, keyword: str, start: int, end: int, note: str) -> Why:
    why = object.__new__(Why)
    why.__dict__.update(rule=rule, keyword=keyword, start=start, end=end, note=note)
    return why


def _intent(
    kind: Kind,
    text: str,
    why: Why,
    files: tuple[str, ...] = (),
    urls: tuple[str, ...] = (),
    command: str | None = None,
    args: str = "",
) -> Intent:
    intent = object.__new__(Intent)
    intent.__dict__.update(
        {"kind": kind, "text": text, "files": files, "urls": urls, "command": command,
         "args": args, "why": why}
    )  # fmt: skip
    return intent


_EMPTY_WHY = Why("empty", note="nothing to route")
_LONG_WHY = Why("long", note="a text this long is content for the agent")
_DEFAULT_WHY = Why("default", note="no action asked for: a chat turn for the agent")


def _never(path: str) -> bool:
    return False


def route(text: str, *, exists: Callable[[str], bool] = _never, home: str | None = None) -> Intent:
    """Route one line: a slash command, files to upload, an action, or a chat turn."""
    body = text.strip()
    if not body:
        return _intent("chat", "", _EMPTY_WHY)
    if body[0] in "/／、":
        intent = _slash(text, exists, home)
        if intent is not None:
            return intent
    if HINT.search(text) is not None:
        found = find_attachments(text, 0, exists, home, explicit=False)
        if found is not None:
            why = _why(found.rule, found.keyword, found.start, found.end, found.note)
            return _intent("upload", found.rest, why, found.files, found.urls)
    if len(text) > LONG:
        return _intent("chat", body, _LONG_WHY)
    rule, kind, start, end, note = _by_words(text)
    if start < 0:
        return _intent(kind, body, _DEFAULT_WHY)
    return _intent(kind, body, _why(rule, text[start:end], start, end, note))


def _slash(text: str, exists: Callable[[str], bool], home: str | None) -> Intent | None:
    match = _SLASH.match(text)
    if match is None:
        return None
    token = match.group(1)
    lead, end = match.span(1)
    word = token[1:].lower()
    if word not in SLASH_COMMANDS:
        named = _COMMAND_NAME.fullmatch(word) is not None
        # "/Users/me/clip.mp4" and an existing "/tmp" are paths; "／" and "、" only start
        # known names.
        if token[0] != "/" or (word and (not named or exists(token))):
            return None
    args = text[end:].strip()
    if word == "upload":
        found = find_attachments(text, end, exists, home, explicit=True)
        note = found.note if found else "no existing file or URL in the arguments"
        why = _why("slash", token, lead, end, note)
        if found is None:
            return _intent("upload", args, why, command=word, args=args)
        return _intent("upload", found.rest, why, found.files, found.urls, word, args)
    if word in _SLASH_KINDS:
        why = _why("slash", token, lead, end, f"slash command: {_ASKS[word]}")
        return _intent(_SLASH_KINDS[word], args, why, command=word, args=args)
    rule, note = ("slash", "slash command") if word in SLASH_COMMANDS else (
        "unknown-command", "not a known slash command")  # fmt: skip
    return _intent("command", args, _why(rule, token, lead, end, note), command=word, args=args)


# A hit is (group, start, end, rule, words): an active keyword has rule "" and no words; a held
# one "negated" or "deferred" and its cue; a skipped passage "quote", "phrase" or "content".
_Hit = tuple[str, int, int, str, str]
_Decision = tuple[str, Kind, int, int, str]


def _by_words(text: str) -> _Decision:
    """The rule, kind, deciding span and note for a line, from its words."""
    low = text.lower()
    if len(low) != len(text):
        low = lowered(text)
    found = events(low)
    if len(found) == 1:  # the common case of one keyword or one edit verb: nothing to weigh
        start, end, group = found[0]
        if group in KINDS:
            return "keyword", group, start, end, _ASKS[group]  # type: ignore[return-value]
        if group == "edit":
            return "edit", "chat", start, end, f"an edit ('{text[start:end]}') for the agent"
    elif not found:
        alone = ALONE.match(low)
        if alone is None:
            return "default", "chat", -1, -1, ""
        return "keyword", "state", *alone.span(1), _ASKS["state"]
    active, held, edits, skipped = _scan(text, found)
    if active:
        kind, start, end, _, _ = active[0]
        edit = edits[0] if edits else None
        if edit is None or (kind == "upload" and edit[1] > start):
            return "keyword", kind, start, end, _ASKS[kind]  # type: ignore[return-value]
        verb, word = text[edit[1] : edit[2]], text[start:end]
        return "edit", "chat", edit[1], edit[2], f"an edit ('{verb}') goes first; '{word}' waits"
    if held:
        _, start, end, rule, cue = min(held, key=_position)
        verb = "negates" if rule == "negated" else "puts off"
        return rule, "chat", start, end, f"'{cue}' {verb} '{text[start:end]}'"
    if edits:
        _, start, end, _, _ = edits[0]
        return "edit", "chat", start, end, f"an edit ('{text[start:end]}') for the agent"
    return _skipped(text, low, skipped)


def _scan(text: str, found: list[Event]) -> tuple[list[_Hit], list[_Hit], list[_Hit], list[_Hit]]:
    """Sort a line's keywords, clause by clause, into active, held, edits and skipped."""
    active: list[_Hit] = []
    held: list[_Hit] = []
    edits: list[_Hit] = []
    skipped: list[_Hit] = []
    cue: tuple[str, str] | None = None  # (rule, cue words) in force in this clause
    content = ""
    pending: list[_Hit] = []  # this clause's keywords, until a cue after them puts them off
    for start, end, group in found:
        if group in KINDS:
            if cue is not None:
                held.append((group, start, end, *cue))
            elif content:
                skipped.append(("content", start, end, "content", content))
            else:
                pending.append((group, start, end, "", ""))
        elif group == "edit":
            if cue is None or cue[0] != "negated":
                edits.append((group, start, end, "", ""))
        elif group == "stop":
            active += pending
            cue, content, pending = None, "", []
        elif group == "content":
            content = text[start:end]
        elif group in ("quote", "phrase"):
            skipped.append((group, start, end, group, ""))
        else:  # a cue: "neg" and "wait" act forwards, "later" backwards, "both" both ways
            words = text[start:end]
            if group != "later":
                cue = ("negated" if group == "neg" else "deferred", words)
            if group in ("later", "both"):
                held += [(k, s, e, "deferred", words) for k, s, e, _, _ in pending]
                pending = []
    return active + pending, held, edits, skipped


def _position(hit: _Hit) -> int:
    return hit[1]


def _skipped(text: str, low: str, skipped: list[_Hit]) -> _Decision:
    for group, start, end, _, marker in skipped:
        words = text[start:end]
        if group == "content":
            return "content", "chat", start, end, f"'{words}' is text for the video ('{marker}')"
        if group == "phrase":
            return "phrase", "chat", start, end, f"'{words}' is part of the video, not a request"
        inner = keywords(low[start + 1 : end - 1])
        if inner:
            first, last, _ = inner[0]
            word = text[start + 1 + first : start + 1 + last]
            note = f"'{word}' is quoted: words for the video"
            return "quoted", "chat", start + 1 + first, start + 1 + last, note
    alone = ALONE.match(low)
    if alone is not None:
        return "keyword", "state", *alone.span(1), _ASKS["state"]
    return "default", "chat", -1, -1, ""
