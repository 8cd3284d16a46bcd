"""What each piece of backend GUI-speak asks the runtime to do.

The patterns in `translators_patterns` find candidate instructions; the builders here accept or
refuse each match and turn it into a `Hit`: the action, plus the content words worth keeping in
the shown text. Builders refuse content that only looks like an instruction ("a click track",
"drop shadow", "we can drop the intro").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

ActionKind = Literal[
    "export", "show_state", "show_timeline", "send_edit", "show_credits", "call_endpoint"
]


@dataclass(frozen=True)
class Hit:
    """What one matched instruction asks for, and the content words worth keeping."""

    kind: ActionKind
    detail: str = ""
    obj: str = ""
    purpose: str = ""
    verb: str = ""
    by: bool = False


@dataclass(frozen=True)
class Rule:
    """A named pattern and the builder that accepts or refuses each of its matches.

    A soft rule finds a hint rather than an instruction ("即可下载" after "点击导出"), and gives
    way to an action of the same kind already found in the same sentence.
    """

    name: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str]], Hit | None]
    soft: bool = False


# Words before a verb that make it a noun or a description, not an instruction to the user.
# A word list reads better as one string than as fifty quoted items.
_NOT_IMPERATIVE = frozenset(
    """a an the this that these those one each every no some any his her its their our my your
    of with i we they he she it who which to will would can could should must might may did does
    do is are was were be been mouse single double""".split()  # noqa: SIM905
)


def _target_rule(
    pattern: str, kind: ActionKind, detail: str = ""
) -> tuple[re.Pattern[str], ActionKind, str]:
    return re.compile(pattern, re.IGNORECASE), kind, detail


# What a button, page or panel is for, judged by its name; first match wins.
_TARGETS = (
    _target_rule(
        r"(?<![a-z])(?:export|download|render|publish|share|save\s+(?:the\s+|your\s+)?"
        r"(?:video|mp4|file))|导出|下载|渲染|发布|分享|保存视频",
        "export",
    ),
    _target_rule(
        r"(?<![a-z])(?:upload|import|browse|add\s+(?:media|files?|photos?|images?|videos?|"
        r"assets?)|choose\s+files?)|上传|导入|添加素材|添加文件|选择文件",
        "call_endpoint",
        "upload",
    ),
    _target_rule(
        r"(?<![a-z])(?:credits?|billing|account|top[\s-]?up|recharge|buy|purchase|pricing|"
        r"plans?(?![a-z])|upgrade|subscri|balance|wallet)|"
        r"积分|充值|账户|账号|账单|余额|会员|订阅|升级|购买",
        "show_credits",
    ),
    _target_rule(
        r"(?<![a-z])(?:timeline|tracks?(?![a-z])|clips?(?![a-z])|segment|layer|preview|play"
        r"(?![a-z])|storyboard)|时间轴|时间线|轨道|片段|预览|播放|图层",
        "show_timeline",
    ),
    _target_rule(
        r"(?<![a-z])(?:project|status|assets|media\s+library|library|settings?|history|"
        r"dashboard|workspace|editor|save)|项目|素材库|状态|设置|工程|资源|编辑器|保存",
        "show_state",
    ),
)
_TIMELINE = re.compile(r"(?i:timeline|preview|play)|时间[轴线]|预览|播放")
_HERE = re.compile(r"^(?:here|this|it|there|这里|此处|这儿)$", re.IGNORECASE)
_HAN = re.compile(r"[\u3400-\u9fff]")


def classify(text: str) -> tuple[ActionKind, str] | None:
    """The action a GUI target names ("Export button" -> export), or None."""
    for pattern, kind, detail in _TARGETS:
        if pattern.search(text):
            return kind, detail
    return None


def unquote(label: str) -> str:
    """A button label without its quotes, brackets or markdown bold."""
    text = label.strip()
    for pair in ('""', "“”", "''", "‘’", "「」", "【】", "[]", "``"):
        if len(text) >= 2 and text[0] == pair[0] and text[-1] == pair[1]:
            return text[1:-1].strip()
    return text[2:-2].strip() if text.startswith("**") and text.endswith("**") else text


def imperative(match: re.Match[str]) -> bool:
    """True when the match starts where an instruction can start (not after "a", "the", ...)."""
    # A short window is enough to find the previous word, and keeps long texts linear.
    before = match.string[max(0, match.start() - 48) : match.start()].rstrip()
    word = re.search(r"([A-Za-z']+)$", before)
    return word is None or word.group(1).lower() not in _NOT_IMPERATIVE


def _group(match: re.Match[str], name: str) -> str:
    return (match.groupdict().get(name) or "").strip()


_ZH_LINK = re.compile(r"^(?:即可|就可以|就能|可以|来|以便|以|并且|并|后|然后|再|就)+")
_ZH_FILLER = re.compile(r"^(?:就?行了?|就?好了?|了|吧|啦|哦)?$")


def _purpose(match: re.Match[str], name: str = "purpose") -> str:
    """What the instruction was for, without the linking words ("即可下载视频" -> "下载视频")."""
    text = _ZH_LINK.sub("", _group(match, name)).strip()
    return "" if _ZH_FILLER.match(text) else text


def _target(match: re.Match[str], label: str, default: ActionKind, element: str = "") -> Hit:
    """The hit for a named GUI target: by its label, else by what it is for, else `default`.

    `element` names a thing on the timeline the user was to click ("the BGM track"), kept in
    the shown text when the target turns out to be the timeline.
    """
    purpose = _purpose(match)
    by = bool(_group(match, "by"))
    found = None if _HERE.match(label) else classify(f"{label} {_group(match, 'noun')}")
    kind, detail = found or classify(purpose) or (default, "")
    if kind == "send_edit":
        return Hit(kind, detail or purpose or label.lower(), by=by)
    obj = element if kind == "show_timeline" and not _TIMELINE.fullmatch(label) else ""
    return Hit(kind, detail, obj=obj, purpose=purpose, by=by)


def on_click(match: re.Match[str]) -> Hit | None:
    """Click, tap, press, hit, select or use a named button or a thing on the timeline."""
    if not _group(match, "by") and not imperative(match):
        return None
    raw, verb, det = _group(match, "label"), _group(match, "verb").lower(), _group(match, "det")
    label = unquote(raw)
    button = raw != label or bool(_group(match, "noun"))
    if verb.startswith(("select", "choos", "us", "push")) and not button:
        return None
    clicky = verb.startswith(("click", "tap", "double", "right", "left"))
    on_timeline = clicky and bool(det) and not button
    named = not det and (label[:1].isupper() or bool(_HAN.search(label)))
    known = clicky and (classify(label) is not None or bool(_HERE.match(label)))
    if not (button or named or on_timeline or known):
        return None
    if on_timeline:
        return _target(match, label, "show_timeline", f"{det} {label}")
    return _target(match, label, "send_edit" if button or named else "show_timeline")


def on_open(match: re.Match[str]) -> Hit | None:
    """Open, go to or visit a panel, page or part of the app."""
    if not imperative(match):
        return None
    label = unquote(_group(match, "label"))
    if classify(f"{label} {_group(match, 'noun')}") is None and not _group(match, "noun"):
        return None
    return _target(match, label, "show_state")


def on_preview(match: re.Match[str]) -> Hit | None:
    """Preview, check or watch something in the timeline or the player."""
    if not _group(match, "by") and not imperative(match):
        return None
    obj = _group(match, "obj")
    if re.fullmatch(
        r"(?i:it|this|that|them|these|those|everything|the\s+result|how\s+it\s+looks)?", obj
    ):
        obj = ""
    return Hit("show_timeline", obj=obj, purpose=_purpose(match), by=bool(_group(match, "by")))


def on_credits(match: re.Match[str]) -> Hit | None:
    """Check the account, billing or credits; top up; upgrade the plan."""
    if not imperative(match):
        return None
    label, det = _group(match, "label").lower(), _group(match, "det").lower()
    # "See the credits at the end" is about a film's credits, not the user's balance.
    if label.startswith("credit") and not _group(match, "noun") and det in ("", "the", "a"):
        return None
    return Hit("show_credits", purpose=_purpose(match))


def on_export(match: re.Match[str]) -> Hit | None:
    """You can (now) export / download: the export workflow."""
    if not _group(match, "lead") or not imperative(match):
        return None
    verb = "download" if _group(match, "verb").lower() == "download" else "export"
    return Hit("export", obj=_group(match, "obj"), verb=verb)


_DESTINATION = re.compile(
    r"(?i)\b(?:to|into|onto|over|here|there|before|after|between|across|along|anywhere|"
    r"up|down|left|right|in\s+place)\b"
)
_UPLOAD_DEST = re.compile(
    r"(?i)\b(?:here|upload\w*|this\s+(?:window|chat|page|box|area)|(?:media|asset)s?\s+"
    r"(?:library|panel|area|bin)|drop\s*zone)\b|上传|此处|这里|窗口|对话框|素材库|媒体库"
)
_DETERMINER = re.compile(
    r"(?i)(?:the|your|it|them|a|an|this|that|these|those|any|some|all|each|more|one|two|three|"
    r"\d+)\b"
)
_FALSE_DRAG = re.compile(
    r"(?i)(?:rac(?:e|es|er|ers|ing)|queens?|kings?|shows?|coefficient|force)\b"
)


def on_drag(match: re.Match[str]) -> Hit | None:
    """Drag or drop something somewhere: an edit sent through the chat, or an upload."""
    by = bool(_group(match, "by"))
    if not by and not imperative(match):
        return None
    verb, rest = _group(match, "verb").lower(), _group(match, "rest")
    rest = re.sub(r"(?i)\s+and\s+drop(?:ping)?\s+(?:it|them)\b", "", rest)
    rest = re.sub(r"(?i)\s+(?:and|then|or)$", "", rest).strip()
    if _FALSE_DRAG.match(rest) or not _DESTINATION.search(rest):
        return None
    if verb.startswith("drop") and not _DETERMINER.match(rest):
        return None
    picked = _group(match, "pobj")
    if picked:
        rest = re.sub(r"(?i)^(?:it|them)\b", picked, rest)
    if _UPLOAD_DEST.search(rest):
        obj = _DESTINATION.split(rest, maxsplit=1)[0].strip()
        return Hit("call_endpoint", "upload", obj=obj, by=by)
    return Hit("send_edit", f"move {rest}", by=by)


def on_mention(match: re.Match[str]) -> Hit | None:
    """A sentence part that only names a button ("the Export button is above")."""
    found = classify(unquote(_group(match, "label")))
    return None if found is None else Hit(found[0], found[1])


def on_zh_click(match: re.Match[str]) -> Hit | None:
    """点击 / 双击 a named button or a thing on the timeline."""
    raw = _group(match, "label")
    label = unquote(raw)
    button = raw != label or bool(_group(match, "noun"))
    element = re.sub(r"^时间[轴线][上中里]?的?", "", label)
    return _target(match, label, "send_edit" if button else "show_timeline", element)


def on_zh_open(match: re.Match[str]) -> Hit | None:
    """打开 / 前往 / 进入 a panel, page or part of the app."""
    return _target(match, _group(match, "obj") + _group(match, "noun"), "show_state")


def on_zh_drag(match: re.Match[str]) -> Hit | None:
    """把 X 拖到 Y / 拖拽 X 到 Y: an edit sent through the chat, or an upload."""
    obj, dest = _group(match, "obj") or _group(match, "obj2"), _group(match, "dest")
    rest = _group(match, "rest")
    if not dest and _group(match, "verb2") in ("拖入", "拖进"):
        dest, rest = rest, ""
    if _UPLOAD_DEST.search(dest):
        return Hit("call_endpoint", "upload", obj=obj)
    purpose = _purpose(match)
    if dest:
        edit = f"把{obj}移到{dest}" if obj else f"移到{dest}"
        return Hit("send_edit", edit + (f"，{purpose}" if purpose else ""))
    return Hit("send_edit", f"移动{obj}{rest}") if obj or rest else None


def on_zh_preview(match: re.Match[str]) -> Hit | None:
    """在时间轴预览 / 查看时间轴: show the timeline."""
    obj = _group(match, "obj")
    if _ZH_LINK.match(obj) or obj in ("一下", "效果如何"):
        return Hit("show_timeline", purpose=_purpose(match, "obj"))
    return Hit("show_timeline", obj=obj)


def on_zh_credits(match: re.Match[str]) -> Hit | None:
    """充值, 查看账户余额: show the credits."""
    return Hit("show_credits")


def on_zh_export(match: re.Match[str]) -> Hit | None:
    """即可导出 / 可以下载: the export workflow."""
    verb = "download" if _group(match, "verb") == "下载" else "export"
    return Hit("export", obj=_group(match, "obj"), verb=verb)
