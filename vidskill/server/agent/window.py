"""A keyword found in a message and the words around it, read as verbs and moods."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from vidskill.server.agent.ops import Edit

Verb = Literal["add", "remove"]

FLAGS = re.IGNORECASE | re.ASCII  # ASCII word edges: "logo作为片尾" has one
BREAK = re.compile(r"[.;!?。；！？\n,，]|\bthen\b|然后|接着|另外|并且", FLAGS)
_NEG = r"\b(?:don'?t|do\s+not|never|no\s+need\s+to|not)\s+|不要|别|不用|无需|不需要"
_REMOVE = (
    r"\b(?:remove|delete|drop|no|without|get\s+rid\s+of|turn\s+off|switch\s+off|mute|lose|"
    r"kill|cut\s+out|take\s+out|take\s+off|strip|clear|disable|stop|hide|less|skip|ditch)\b|"
    r"去掉|去除|删除|删掉|不要|移除|关掉|关闭|取消|拿掉|去了|删了|不用|不需要|隐藏|"
    r"无(?=转场|音乐|字幕|标题|配音|背景音乐|动效|缩放)"
)
_ADD = (
    r"\b(?:add|with|put|include|insert|use|play|want|need|give|apply|turn\s+on|enable|"
    r"throw\s+in|plus|some|bring\s+back|restore)\b|"
    r"加上?|添加|配上?|来点|来段|来一段|带|用|要|使用|加入|放上?|恢复"
)
_VERBS = re.compile(rf"(?P<neg>{_NEG})?(?:(?P<rm>{_REMOVE})|(?P<add>{_ADD}))", FLAGS)
_VOLUME_DOWN = re.compile(
    r"\b(?:quieter|softer|lower|down|less\s+loud|too\s+loud|turn\s+down|reduce)\b|"
    r"小声|小一点|轻一点|调小|调低|降低|低一点|小一些|太吵|太大声",
    FLAGS,
)
_VOLUME_UP = re.compile(
    r"\b(?:louder|higher|up|boost|more\s+volume|too\s+quiet|turn\s+up|increase)\b|"
    r"大声|大一点|调大|调高|提高|响一点|大一些|太小声|太轻",
    FLAGS,
)
MOOD_WORDS: dict[str, re.Pattern[str]] = {
    mood: re.compile(words, FLAGS)
    for mood, words in {
        "corporate": r"corporate|professional|business|商务|专业|企业",
        "cinematic": r"cinematic|epic|dramatic|orchestral|大气|史诗|电影感|震撼",
        "lofi": r"lo-?fi|chill|低保真",
        "upbeat": r"upbeat|energetic|happ(?:y|ier)|livel(?:y|ier)|fun\b|cheerful|bright|"
        r"欢快|轻快|活泼|动感|激昂|热闹",
        "calm": r"calm|relax|gentle|gentler|peaceful|soothing|mellow|"
        r"舒缓|安静|轻柔|平静|柔和|温柔|放松|抒情",
    }.items()
}


@dataclass(frozen=True)
class Found:
    """One keyword match in a message: the clause text before and after it."""

    text: str
    start: int
    end: int
    groups: dict[str, str | None]

    @property
    def before(self) -> str:
        """The clause before the keyword (at most 48 characters)."""
        head = self.text[max(0, self.start - 48) : self.start]
        parts = BREAK.split(head)
        return parts[-1] if parts else ""

    @property
    def after(self) -> str:
        """The clause after the keyword (at most 40 characters)."""
        tail = self.text[self.end : self.end + 40]
        return BREAK.split(tail)[0]

    @property
    def clause(self) -> str:
        """The keyword with its clause on both sides."""
        return self.before + self.text[self.start : self.end] + self.after

    def group(self, name: str) -> str | None:
        """A named group of the match, None when it did not take part."""
        return self.groups.get(name)


def last_verb(text: str) -> Verb | None:
    """The verb nearest the end of `text`: add or remove (a negated add is a remove)."""
    verb: Verb | None = None
    for m in _VERBS.finditer(text):
        verb = "remove" if m.group("rm") or m.group("neg") else "add"
    return verb


def first_verb(text: str) -> Verb | None:
    """The first verb in `text` (for Chinese, where the verb may follow: "音乐去掉")."""
    m = _VERBS.search(text)
    if m is None:
        return None
    return "remove" if m.group("rm") or m.group("neg") else "add"


def verb_for(found: Found) -> Verb | None:
    """What the clause does to the keyword: the verb before it, else the one after it."""
    return last_verb(found.before) or first_verb(found.after)


def mood_in(text: str) -> str | None:
    """The music mood a text names, if any."""
    return next((mood for mood, words in MOOD_WORDS.items() if words.search(text)), None)


def volume_shift(text: str) -> int:
    """-15 for "quieter", +15 for "louder", else 0."""
    if _VOLUME_DOWN.search(text):
        return -15
    if _VOLUME_UP.search(text):
        return 15
    return 0


Builder = Callable[[Found], tuple[Edit, ...]]
