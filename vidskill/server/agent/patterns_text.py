"""Rules for the words on screen and the order of the pictures, in English and Chinese."""

from __future__ import annotations

import re

from vidskill.server.agent import ops
from vidskill.server.agent.window import FLAGS, Builder, Found, verb_for
from vidskill.server.agent.words import ordinal

QUOTED = (
    r"(?:\"(?P<q1>[^\"\n]+)\"|'(?P<q2>[^'\n]+?)'(?=[\s.,;!?，。；！？)]|$)|“(?P<q3>[^”\n]+)”|"
    r"‘(?P<q4>[^’\n]+)’|「(?P<q5>[^」\n]+)」|『(?P<q6>[^』\n]+)』|«(?P<q7>[^»\n]+)»)"
)
_OPEN = "\"'“‘「『«"
_EN_END = r"(?=\s+and\s+|\s+then\s+|[.;!?,\n]|$)"
_ZH_END = r"(?=然后|并且|再把|再|，|。|；|！|？|[,.;!?\n]|$)"
_NOT_TITLE = re.compile(r"caption|subtitle|text|overlay|\band\b|字幕|文字|和", FLAGS)
_NOT_CAPTION = re.compile(r"title|\band\b|标题|和", FLAGS)
_REPLACE = re.compile(r"change|replace|set|update|edit|rewrite|改成|改为|换成|修改|替换", FLAGS)
_TRIM = " \t'\"“”‘’:："


def quoted(found: Found) -> str | None:
    """The quoted or free text the rule captured, trimmed."""
    for name in ("q1", "q2", "q3", "q4", "q5", "q6", "q7", "u"):
        value = found.group(name)
        if value and value.strip(_TRIM):
            return value.strip(_TRIM)[:200]
    return None


def _title(found: Found) -> tuple[ops.Edit, ...]:
    text = quoted(found)
    if text is None or _NOT_TITLE.search(found.group("gap") or ""):
        return ()
    return (ops.SetTitle(text),)


def _caption(found: Found) -> tuple[ops.Edit, ...]:
    text = quoted(found)
    if text is None or _NOT_CAPTION.search(found.group("gap") or ""):
        return ()
    if _REPLACE.search(found.before + (found.group("gap") or "")):
        return (ops.RemoveCaptions(), ops.AddCaption(text))
    return (ops.AddCaption(text),)


def _named_text(found: Found) -> tuple[ops.Edit, ...]:
    """A quote before its kind: "'Sale' as the title", "a 'Buy now' text overlay"."""
    text = quoted(found)
    if text is None:
        return ()
    if re.search(r"title|heading|标题|片名", found.group("kind") or "", FLAGS):
        return (ops.SetTitle(text),)
    return (ops.AddCaption(text),)


def _title_word(found: Found) -> tuple[ops.Edit, ...]:
    verb = verb_for(found)
    if verb == "remove":
        return (ops.RemoveTitle(),)
    return (ops.SetTitle(None),) if verb == "add" else ()


def _caption_word(found: Found) -> tuple[ops.Edit, ...]:
    verb = verb_for(found)
    if verb == "remove":
        everything = re.search(r"\ball\b|所有|全部", found.clause, FLAGS) and re.search(
            r"text|文字", found.clause, FLAGS
        )
        return (ops.RemoveCaptions(), ops.RemoveTitle()) if everything else (ops.RemoveCaptions(),)
    return (ops.AutoCaptions(),) if verb == "add" else ()


def _index(found: Found, prefix: str) -> int | None:
    for suffix in ("o", "n", "h", "l"):
        value = found.group(prefix + suffix)
        if value:
            return ordinal(value)
    return None


def _target(text: str | None) -> int | None:
    if text is None:
        return None
    word = text.lower()
    if re.search(r"end|back|last|最后|末尾|结尾|后面|后边", word, FLAGS):
        return -1
    if re.search(r"beginning|start|front|top|开头|开始|最前|前面|前边", word, FLAGS):
        return 1
    digits = re.search(
        r"\d+|[一二两三四五六七八九十]+|first|second|third|fourth|fifth|sixth|"
        r"seventh|eighth|ninth|tenth",
        word,
    )
    return ordinal(digits.group(0)) if digits else None


def _move(found: Found) -> tuple[ops.Edit, ...]:
    item, to = _index(found, "a"), _target(found.group("dst"))
    return () if item is None or to is None else (ops.Move(item, to),)


def _swap(found: Found) -> tuple[ops.Edit, ...]:
    first, second = _index(found, "a"), _index(found, "b")
    return () if first is None or second is None else (ops.Swap(first, second),)


def _remove_item(found: Found) -> tuple[ops.Edit, ...]:
    item = _index(found, "a")
    return () if item is None else (ops.RemoveItem(item),)


_ORD = (
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|"
    r"\d+(?:st|nd|rd|th)"
)
_NOUN = r"photo|image|picture|slide|clip|shot|scene|pic|one"


def _ref_en(g: str, *, bare: bool = False, noun: bool = False) -> str:
    ordinal_ref = rf"(?P<{g}o>{_ORD})" + (
        rf"\s+(?:{_NOUN})s?" if noun else rf"(?:\s+(?:{_NOUN})s?)?"
    )
    numbered = rf"(?:{_NOUN})s?\s*(?:no\.?\s*|number\s+|#)?(?P<{g}n>\d+)"
    alternatives = [ordinal_ref, numbered, rf"#(?P<{g}h>\d+)"] + (
        [rf"(?P<{g}l>\d+)"] if bare else []
    )
    return rf"(?:the\s+)?(?:{'|'.join(alternatives)})"


def _ref_zh(g: str) -> str:
    return (
        rf"(?:第\s*(?P<{g}n>\d+|[一二两三四五六七八九十]+)\s*(?:张|个|段|幅|页|条)?|"
        rf"(?P<{g}l>最后一(?:张|个|段|幅)))"
        r"(?:照片|图片|相片|图|素材|镜头|场景|画面|片段|视频)?"
    )


_EN_DST = (
    r"(?P<dst>end|back|beginning|start|front|top|(?:position|place|spot|slot)\s+\d+|"
    rf"(?:{_ORD})(?:\s+(?:place|position|spot|slot|one))?)"
)
_ZH_DST = (
    r"(?P<dst>最后(?:面|边|一张|一个|一位)?|末尾|结尾|后面|最前(?:面|边)?|开头|开始|前面|"
    r"第\s*(?:\d+|[一二两三四五六七八九十]+)\s*(?:张|个|位)?)"
)

RULES: list[tuple[str, Builder]] = [
    (
        rf"\b(?:title|heading|headline|titled|named|called|call\s+(?:it|the\s+video)|name\s+it|"
        rf"rename\s+(?:it|the\s+video)(?:\s+to)?)\b(?P<gap>[^{_OPEN}\n]{{0,24}}?){QUOTED}",
        _title,
    ),
    (rf"(?:标题|题目|片名|名字|命名为|叫做)(?P<gap>[^{_OPEN}\n，。]{{0,10}}?){QUOTED}", _title),
    (
        rf"\b(?:captions?|subtitles?|text(?:\s+overlays?)?|overlays?|lower\s+third|tagline|slogan|"
        rf"label|banner)\b(?P<gap>[^{_OPEN}\n]{{0,20}}?){QUOTED}",
        _caption,
    ),
    (rf"(?:字幕|文字|文案|标语|口号)(?P<gap>[^{_OPEN}\n，。]{{0,8}}?){QUOTED}", _caption),
    (
        rf"{QUOTED}\s*(?:as\s+(?:the\s+|a\s+|an\s+)?|作为|做)?\s*(?P<kind>titles?|headings?|"
        r"captions?|subtitles?|text\s+overlays?|text|overlays?|标题|片名|字幕|文字)",
        _named_text,
    ),
    (
        rf"\b(?:change|set|make|update|rename)\s+(?:the\s+)?(?:title|heading)\s+(?:to|as|into)\s+"
        rf"(?P<u>[^{_OPEN}.;!?,\n]+?){_EN_END}",
        _title,
    ),
    (rf"\btitle\s*[:：]\s*(?P<u>[^{_OPEN}.;!?,\n]+?){_EN_END}", _title),
    (
        rf"(?:标题|片名)(?:文字)?\s*(?:(?:改成|改为|换成|设为|设置为|叫做?|是)\s*[:：]?|[:：])\s*"
        rf"(?P<u>[^{_OPEN}，。；！？,.;!?\n]+?){_ZH_END}",
        _title,
    ),
    (
        rf"\b(?:add|put|include|insert)\s+(?:a\s+|the\s+)?(?:caption|subtitle|text(?:\s+overlay)?|"
        rf"tagline|slogan)\s+(?:saying|that\s+says|reading|that\s+reads|[:：])\s*"
        rf"(?P<u>[^{_OPEN}.;!?,\n]+?){_EN_END}",
        _caption,
    ),
    (
        rf"(?:加|添加|加上|写上?)(?:一句|一行|一个|个)?(?:字幕|文字|文案|标语)\s*(?:[:：]|说|写着)\s*"
        rf"(?P<u>[^{_OPEN}，。；！？,.;!?\n]+?){_ZH_END}",
        _caption,
    ),
    (
        rf"\b(?:swap|switch|exchange|interchange|flip|trade)\s+(?:the\s+)?"
        rf"(?:(?:photos?|images?|pictures?|slides?|clips?|positions\s+of)\s+)?"
        rf"{_ref_en('a', bare=True)}\s*(?:and|with|&|,)\s*{_ref_en('b', bare=True)}",
        _swap,
    ),
    (
        rf"\b(?:move|put|place|bring|send|shift|make)\s+{_ref_en('a')}\s+(?:to\s+)?(?:the\s+)?"
        rf"(?:very\s+)?{_EN_DST}\b",
        _move,
    ),
    (rf"\b(?:remove|delete|drop|cut|take\s+out)\s+{_ref_en('a', noun=True)}", _remove_item),
    (
        rf"(?:把|将)?\s*{_ref_zh('a')}\s*(?:和|与|跟|同)\s*{_ref_zh('b')}\s*(?:的位置)?\s*"
        r"(?:交换|互换|调换|对调|换一下|换个?位置)",
        _swap,
    ),
    (rf"(?:交换|互换|调换|对调)(?:一下)?\s*{_ref_zh('a')}\s*(?:和|与|跟)\s*{_ref_zh('b')}", _swap),
    (
        rf"(?:把|将)\s*{_ref_zh('a')}\s*(?:移到|放到|挪到|调到|移动到|放在|挪至|移至|换到|排到|放至)"
        rf"\s*{_ZH_DST}",
        _move,
    ),
    (
        r"\b(?:move|put|place|add|bring|drop|drag|insert)\s+(?:all\s+)?(?:(?:of\s+)?(?:your|my|the|these|"
        r"those)\s+)?(?:photos?|pictures?|images?|pics|clips?|media|files?|uploads?|assets?|footage)\s+"
        r"(?:onto|into|to|on\s+to|in)\s+(?:the\s+)?timeline\b",
        lambda found: (ops.PlaceUploads(),),
    ),
    (
        r"(?:把|将)?(?:所有|全部)?的?(?:素材|照片|图片|相片|视频|片段|文件)都?"
        r"(?:移到|放到|拖到|拖入|放入|加到|添加到|移入|挪到|放进|加入)了?(?:到)?时间(?:轴|线)",
        lambda found: (ops.PlaceUploads(),),
    ),
    (rf"(?:删除|删掉|去掉|移除|拿掉)\s*{_ref_zh('a')}", _remove_item),
    (rf"{_ref_zh('a')}\s*(?:删除|删掉|去掉|不要了|拿掉)", _remove_item),
    (
        r"\breversed?\s+(?:the\s+)?(?:(?:photo|image|picture|slide|clip)s?\s+)?order\b|"
        r"\bin\s+reverse(?:\s+order)?\b|\breverse\s+(?:the\s+)?(?:photos|images|pictures|slides|clips)\b|"
        r"\bbackwards\b|\border\s+reversed\b|倒序|倒过来|反过来|反转顺序|顺序反转|颠倒顺序|顺序颠倒|逆序",
        lambda found: (ops.Reverse(),),
    ),
]

NOUNS: list[tuple[str, Builder]] = [
    (r"\btitles?\b|\bheadings?\b|标题|片名", _title_word),
    (
        r"\bcaptions?\b|\bsubtitles?\b|\btext\s+overlays?\b|\boverlay\s+text\b|\bon-?screen\s+text\b|"
        r"\btexts?\b|字幕|文字说明|文字",
        _caption_word,
    ),
]
