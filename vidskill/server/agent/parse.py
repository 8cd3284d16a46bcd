"""What the user asked, in English or Chinese: a create request and the edits, in order.

Each rule is a pattern and a builder; a rule's match claims its span of the message, so later
(broader) rules never read the same words twice, and the edits come out in the order said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vidskill.server.agent import ops, patterns_media, patterns_text
from vidskill.server.agent.window import FLAGS, Builder, Found

_RULES: list[tuple[re.Pattern[str], Builder]] = [
    (re.compile(pattern, FLAGS), build)
    for pattern, build in (
        *patterns_text.RULES,
        *patterns_media.RULES,
        *patterns_text.NOUNS,
        *patterns_media.NOUNS,
    )
]
_NOUNS = (
    r"videos?|slideshows?|slide\s*shows?|clips?|movies?|reels?|montages?|animations?|films?|"
    r"showcases?|promos?"
)
_CREATE = [
    re.compile(
        r"\b(?:create|make|generate|build|produce|render|give\s+me|put\s+together|assemble|craft|"
        r"want|need|do)\b(?!\s+(?:the|this|that|it|its)\b)[^.;!?\n]{0,60}?"
        rf"\b(?:{_NOUNS})\b",
        FLAGS,
    ),
    re.compile(
        r"\b(?:turn|convert|transform|combine|merge|stitch|compile)\b[^.;!?\n]{0,60}?\binto\b"
        rf"[^.;!?\n]{{0,40}}?\b(?:{_NOUNS})\b",
        FLAGS,
    ),
    re.compile(
        r"\banimate\s+(?:my|these|this|those)\s+(?:photos?|pictures?|images?|portrait|selfie)",
        FLAGS,
    ),
    re.compile(
        r"(?:做成|做出|做一?[个段条部支]|制作|生成|创建|合成|剪辑成?|剪成|弄成|变成|转成|转换成|整合成|"
        r"拼成|合并成|串成)[^，。；！？,.;!?\n]{0,24}?(?:视频|幻灯片|短片|影片|动画|相册|片子|vlog|"
        r"宣传片|展示片)",
        FLAGS,
    ),
    re.compile(r"让(?:这些|我的)?(?:照片|图片|相片)动起来"),
]
_WORKFLOWS: list[tuple[ops.Workflow, re.Pattern[str]]] = [
    ("script", re.compile(r"script|screenplay|storyboard|脚本|文案|剧本|台词|稿子|口播", FLAGS)),
    ("product", re.compile(r"product|showcase|merch|商品|产品|展示|带货", FLAGS)),
    (
        "promo",
        re.compile(
            r"promo|advert|\bads?\b|commercial|marketing|campaign|宣传|推广|广告|营销", FLAGS
        ),
    ),
    (
        "animated",
        re.compile(r"animat|smooth|ken\s*burns|动画|动起来|动态|动感|流畅|平滑|丝滑|活起来", FLAGS),
    ),
    ("slideshow", re.compile(r"slide\s*show|幻灯片|相册|photo\s+album", FLAGS)),
]
_SOUND = re.compile(
    r"\baudio\b|voice-?\s?over|\bmp3\b|\bwav\b|recording|narration|音频|配音|录音|旁白", FLAGS
)
_NO_VOICE = re.compile(
    r"\b(?:no|without|skip)\s+(?:a\s+|the\s+|any\s+)?(?:voice-?\s?over|narration|voice)|"
    r"不要配音|无配音|不需要配音|不用配音|没有配音|不要旁白",
    FLAGS,
)
_GREET_EN = (
    r"(?:hello|hi|hiya|hey|howdy|yo|greetings|good\s+(?:morning|afternoon|evening|day))"
    r"(?:\s+(?:there|everyone|everybody|all|friend|team|again))?"
)
_GREET_ZH = (
    r"(?:你好|您好|嗨|哈喽|哈啰|大家好|早上好|上午好|中午好|下午好|晚上好|早安|早)[呀啊哦吖]?"
)
_GREETING = re.compile(
    rf"(?:{_GREET_EN}|{_GREET_ZH})(?:[\W_]*(?:{_GREET_EN}|{_GREET_ZH}))*[\W_]*", re.IGNORECASE
)
_SPLIT = re.compile(r"(?<!\d)[:：](?!\d)|\n")
_LONG_QUOTE = re.compile(r"\"([^\"]{24,})\"|“([^”]{24,})”|「([^」]{24,})」")


@dataclass(frozen=True)
class Uploads:
    """How many uploads of each use the session has, to pick a workflow's default."""

    pictures: int = 0
    audio: int = 0
    scripts: int = 0


def parse(message: str, uploads: Uploads = Uploads(), *, force: bool = False) -> ops.Request:
    """The create request (if any) and the edits a message asks for; `force` makes it a create."""
    text = message.strip()[:4000]
    if not force and not _is_create(text):
        return ops.Request(None, find_edits(text))
    instruction, script = _split_script(text)
    workflow = _workflow(instruction, uploads)
    if workflow != "script":
        instruction, script = text, None
    create = ops.Create(workflow, script, _NO_VOICE.search(instruction) is None)
    return ops.Request(create, find_edits(instruction))


def mentions_workflow(message: str) -> bool:
    """True when a message names one of the five kinds of video (a create without a verb)."""
    return any(words.search(message) for _, words in _WORKFLOWS)


def is_greeting(message: str) -> bool:
    """True when a message is only a greeting ("hi", "good morning", "你好", "早上好")."""
    return _GREETING.fullmatch(message.strip()) is not None


def _is_create(text: str) -> bool:
    return any(pattern.search(text) for pattern in _CREATE)


def _workflow(text: str, uploads: Uploads) -> ops.Workflow:
    for name, words in _WORKFLOWS:
        if words.search(text):
            return name
    if _SOUND.search(text) and uploads.audio and uploads.pictures:
        return "promo"
    if not uploads.pictures and (uploads.scripts or _SOUND.search(text)):
        return "script"
    return "slideshow"


def _split_script(text: str) -> tuple[str, str | None]:
    """The instruction and the script text after a colon, a line break or in long quotes."""
    cut = _SPLIT.search(text)
    if cut is not None and text[cut.end() :].strip():
        return text[: cut.start()], _unquote(text[cut.end() :])
    quote = _LONG_QUOTE.search(text)
    if quote is not None:
        body = next(group for group in quote.groups() if group)
        return text[: quote.start()] + text[quote.end() :], body.strip()
    return text, None


def _unquote(text: str) -> str:
    text = text.strip()
    pairs = {'"': '"', "“": "”", "「": "」", "'": "'"}
    if len(text) > 1 and text[0] in pairs and text.endswith(pairs[text[0]]):
        text = text[1:-1].strip()
    return text


def find_edits(text: str) -> tuple[ops.Edit, ...]:
    """Every edit the text asks for, in the order said; each span of text is read once."""
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, int, tuple[ops.Edit, ...]]] = []
    for rank, (pattern, build) in enumerate(_RULES):
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end or any(start < b and a < end for a, b in claimed):
                continue
            edits = build(Found(text, start, end, match.groupdict()))
            if edits:
                claimed.append((start, end))
                found.append((start, rank, edits))
    found.sort(key=lambda item: (item[0], item[1]))
    out: list[ops.Edit] = []
    for _, _, edits in found:
        out += [edit for edit in edits if not out or edit != out[-1]]  # "vertical 9:16" is one edit
    return tuple(out)
