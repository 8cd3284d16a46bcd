"""Backend GUI-speak turned into what the runtime does (PROTOCOL.md §6).

The backend answers as if the user had a GUI: "click Export", "拖拽素材到时间轴". `translate`
keeps the content of such a reply and replaces only the GUI instruction: the shown text says what
the runtime now does, in the language of the sentence ("I'll export it for you", "我来为你导出"),
and the actions tell the runtime what to do, in order, without duplicates. Text with no
GUI-speak comes back unchanged with no actions. The patterns live in `translators_patterns`,
what they mean in `translators_match`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from vidskill.translators_match import ActionKind, Hit
from vidskill.translators_patterns import RULES

__all__ = ["Action", "ActionKind", "Translation", "translate"]


@dataclass(frozen=True)
class Action:
    """One thing the runtime does instead of a GUI step: its kind, detail and source phrase."""

    kind: ActionKind
    detail: str = ""
    source: str = ""

    def to_json(self) -> dict[str, str]:
        """The action as a JSON object."""
        return {"kind": self.kind, "detail": self.detail, "source": self.source}


@dataclass(frozen=True)
class Translation:
    """A backend reply as shown to the user, and the actions its GUI steps became."""

    text: str
    actions: tuple[Action, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The translation as a JSON object: text and actions."""
        return {"text": self.text, "actions": [action.to_json() for action in self.actions]}


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    keep: str
    hit: Hit


_EN = {
    "export": "I'll export {obj} for you",
    "download": "I'll download {obj} for you",
    "it": "it",
    "show_credits": "I'll show your credits",
    "show_timeline": "I'll show you the timeline",
    "show_timeline_obj": "I'll show you {obj} on the timeline",
    "show_state": "I'll show you the current project",
    "upload": "I'll upload your files once you send me their paths",
    "upload_obj": "I'll upload {obj} once you send me the file paths",
    "send_edit": "I'll {detail} for you",
    "purpose": " so you can {purpose}",
    "by": " — ",
}

_ZH = {
    "export": "我来为你导出{obj}",
    "download": "我来为你下载{obj}",
    "it": "",
    "show_credits": "我来为你查看积分",
    "show_timeline": "我来为你展示时间轴",
    "show_timeline_obj": "我来为你在时间轴上展示{obj}",
    "show_state": "我来为你展示当前项目",
    "upload": "把文件路径发给我，我来为你上传",
    "upload_obj": "把{obj}的文件路径发给我，我来为你上传",
    "send_edit": "我来为你{detail}",
    "purpose": "，即可{purpose}",
    "by": "，",
}

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|「[^」]*」|【[^】]*】")
_SENTENCE_END = re.compile(r"[.!?。！？\n]")


def translate(text: str) -> Translation:
    """Replace the GUI instructions in a backend reply by what the runtime does, with actions."""
    sentences = _Sentences(text)
    pieces: list[str] = []
    actions: list[Action] = []
    position = 0
    for span in _spans(text, sentences):
        language = sentences.language(max(span.start, span.end - 1))
        pieces += [text[position : span.start], span.keep, _render(span.hit, language)]
        source = text[span.start : span.end].strip()
        actions.append(Action(span.hit.kind, span.hit.detail, source))
        position = span.end
    pieces.append(text[position:])
    return Translation("".join(pieces), _unique(actions))


class _Sentences:
    """Where the sentences of a text begin and end, and their language, each found once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ends = [match.end() for match in _SENTENCE_END.finditer(text)]
        self.languages: dict[int, str] = {}

    def start(self, position: int) -> int:
        """Where the sentence holding `position` begins."""
        index = bisect_right(self.ends, position)
        return self.ends[index - 1] if index else 0

    def language(self, position: int) -> str:
        """ "zh" when the sentence is mostly Chinese (quoted labels aside), else "en"."""
        start = self.start(position)
        if start not in self.languages:
            index = bisect_right(self.ends, position)
            end = self.ends[index] if index < len(self.ends) else len(self.text)
            sentence = _QUOTED.sub("", self.text[start:end])
            han = len(_HAN.findall(sentence))
            chinese = han and han >= len(_LATIN_WORD.findall(sentence))
            self.languages[start] = "zh" if chinese else "en"
        return self.languages[start]


def _spans(text: str, sentences: _Sentences) -> list[_Span]:
    """Non-overlapping matches, earlier rules first, in text order."""
    taken: list[_Span] = []
    starts: list[int] = []
    # The first start of each action kind in each sentence, for soft rules to give way to.
    first: dict[tuple[int, str], int] = {}
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            index = bisect_right(starts, start)
            if end == start or (index and taken[index - 1].end > start):
                continue
            if index < len(taken) and taken[index].start < end:
                continue
            hit = rule.build(match)
            key = (sentences.start(start), hit.kind) if hit else (0, "")
            if hit is None or (rule.soft and first.get(key, start) < start):
                continue
            taken.insert(index, _Span(start, end, match.groupdict().get("pre") or "", hit))
            starts.insert(index, start)
            first[key] = min(first.get(key, start), start)
    return taken


def _render(hit: Hit, lang: str) -> str:
    table = _ZH if lang == "zh" else _EN
    if hit.kind == "export":
        phrase = table[hit.verb or "export"].format(obj=hit.obj or table["it"])
    elif hit.kind == "call_endpoint":
        phrase = table["upload_obj" if hit.obj else "upload"].format(obj=hit.obj)
    elif hit.kind == "send_edit":
        phrase = table["send_edit"].format(detail=hit.detail)
    elif hit.kind == "show_timeline" and hit.obj:
        phrase = table["show_timeline_obj"].format(obj=hit.obj)
    else:
        phrase = table[hit.kind]
    if hit.purpose and hit.kind != "send_edit":
        phrase += table["purpose"].format(purpose=hit.purpose)
    return table["by"] + phrase if hit.by else phrase


def _unique(actions: list[Action]) -> tuple[Action, ...]:
    """The actions in order, each (kind, detail) once."""
    seen: set[tuple[str, str]] = set()
    unique: list[Action] = []
    for action in actions:
        if (action.kind, action.detail) not in seen:
            seen.add((action.kind, action.detail))
            unique.append(action)
    return tuple(unique)
