"""The router's word tables and the scan that finds them in a line.

Fragments are regular expressions over lower-cased text; in Latin fragments a space stands for
any run of white space and an apostrophe for either apostrophe. Latin words are bounded by
ASCII letters and digits instead of `\\b`, which counts Han characters as word characters and so
would miss "export" in "用export"; Han fragments match as substrings. Where two fragments can
match at the same place, the earlier group of `_TABLE` wins, which is how noun phrases ("status
bar") and quoted passages hide the keywords inside them.

Two compiled scans do the work, one for Latin words and one for everything else (Han words,
quotes, clause ends); `events` merges their findings in order. Each scan opens with a
character class or with literal characters only, so the regular expression engine skips
positions that cannot start an event without trying the alternatives, and the alternatives
are grouped by first character: this is what keeps a line to a few microseconds.
"""

from __future__ import annotations

import re
from itertools import pairwise

KINDS = frozenset({"export", "credits", "state", "upload"})

# Every fragment opens with a literal character (look-behinds come after it): see _compile.
_QUOTES = (
    '"[^"\\n]*"', "“[^”\\n]*”", "‘[^’\\n]*’", "「[^」\\n]*」", "『[^』\\n]*』", "《[^》\\n]*》",
    "＂[^＂\\n]*＂", "'(?<![a-z0-9]')[^'\\n]*'(?![a-z0-9])",
)  # fmt: skip

_PHRASE = (
    "status bars?", "progress bars?", "final cut",
    "send (?:it|this|that) to the (?:back|front|end|start|beginning|top|bottom)",
    # Negative words in positive requests: "don't forget to export" asks for an export.
    "don't forget", "do not forget", "no problem", "no worries", "never mind", "why not",
    "(?:end|closing|opening|rolling|final|movie|film) credits",
    "credits (?:roll|rolls|scene|sequence|screen|page|section|text|font|music)",
    "the credits (?:are|is|look|looks|scroll|roll|move|should|need|go)",
    "credit (?:roll|sequence|card|the|to)",
    "(?:white|colou?r|audio|sound|tonal|volume) balance",
    "balance (?:the|out|audio|sound|music|volume|levels?|colou?rs?|between|it|them)",
    "download(?:ing)? (?:some |a |an |the |more )?(?:music|songs?|sounds?|fonts?|stock|images?"
    "|photos?|pictures?|footage|audio|bgm|sound effects?|tracks?)",
    "(?:export|download|render|upload)(?:ing)? (?:is|was|looks?|seems?|has|had|failed|fails|keeps"
    "|kept|didn't|doesn't|isn't|wasn't|won't|came out|turned out|quality|settings|options)",
    # Rendering a part of the video is an edit of that part.
    "render(?:ing)? the (?:intro|outro|title|text|captions?|subtitles?|logo|background|opening"
    "|ending|scene|clip|transition)",
)  # fmt: skip
_PHRASE_HAN = (
    "状态栏", "进度条", "(?:导出|下载|上传|渲染|出片)的", "导出设置",
    "(?:不要|别|不能)忘(?:了|记)?",
    "(?:导出|下载|上传|渲染)(?:完了|完成|好了|成功|失败)",
    "下载(?:一些|一首|几首|点|个)?(?:音乐|歌|字体|素材|图片|照片|音效|配乐)",
)  # fmt: skip

_CONTENT = (
    "the words?", "the text", "the phrase", "the label", "the caption", "the title", "saying",
    "says", "reads", "reading", "titled", "called", "named", "captioned", "labell?ed", "with text",
)  # fmt: skip
_CONTENT_HAN = ("写着", "字样", "文字", "文案", "标题", "字幕", "名为", "叫做", "名字叫", "内容是")

_EXPORT = (
    "export(?:ing)?", "download(?:ing)?", "render(?:ing)?",
    "send (?:it |this |that )?(?:over |back )?(?:to )?me", "send (?:it|this)(?: over| now)?",
    "send (?:over |back )?(?:the|my) (?:final |finished )?(?:video|file|mp4|movie|result"
    "|output|cut)",
    "(?:give|get|hand) me (?:the |my |a |an )?(?:final |finished )?(?:video|mp4|file|movie|result"
    "|output|render|cut)",
    "(?:want|need|have|get) (?:the|my|an?) (?:mp4|video file|mp4 file|download link"
    "|(?:final|finished) (?:video|cut|version|file))",
    "save (?:it|this|the video|the file|the mp4|as)", "finali[sz]e (?:it|the video)",
)  # fmt: skip
_EXPORT_HAN = (
    "导出", "下载", "渲染", "出片", "成片(?<!生成片)", "发给我", "发我", "传给我", "导成",
    "给我(?:视频|文件|成品|成片|mp4)", "(?:视频|文件|成品|成片)(?:发|给)我",
    "保存(?:视频|文件|到本地|下来|成|为)", "输出(?:视频|文件|成|为|mp4)",
    "生成(?:mp4|视频文件|成品|文件)",
)  # fmt: skip

_CREDITS = (
    "credits", "(?:how much|any|enough|my|remaining|free|more) credit",
    "credit (?:balance|left|remaining)", "balance", "top up", "top-?up", "recharge", "billing",
    "my account", "quota", "(?:how many|remaining|my) points", "points (?:left|remaining)",
)  # fmt: skip
_CREDITS_HAN = ("积分", "余额", "点数", "额度", "充值", "账户", "账号", "剩多少(?:钱|点)")

_STATE = (
    "status(?: update)?", "progress",
    "(?:show|list|see|view|display|check|print|describe|review)(?: me)?(?: (?:the|my|our|all"
    "|current|whole|entire))* (?:timeline|tracks|track list|draft|project|status|state|progress"
    "|layers|clips)",
    "what(?:'s| is| are) (?:on|in) (?:the|my|our|this) (?:timeline|tracks?|project|draft|video)",
    "(?:what|which|how many) tracks",
    "(?:current|project) (?:state|status|timeline|draft|progress)",
    "state of (?:the|my|our|this) (?:project|video|draft|timeline)", "what(?:'s| is) the state",
    "where are we", "what do (?:we|i) have (?:so far|now|right now)",
)  # fmt: skip
_STATE_HAN = (
    "状态", "进度", "做到哪", "(?:现在|目前)(?:是)?什么样",
    "(?:查看|看看|看一下|看下|显示|展示|列出|检查)(?:一下)?(?:当前|现在)?的?(?:时间线|时间轴|轨道|草稿|项目|工程)",
    "(?:时间线|时间轴|轨道|草稿|项目)上?(?:有|是)(?:什么|哪些|几|多少)",
    "有(?:哪些|几条|几个|多少)(?:轨道|轨)", "(?:当前|现在)的?(?:时间线|时间轴|草稿|项目)",
)  # fmt: skip

_UPLOAD = (
    "upload(?:ing)?",
    "import (?:a |an |my |some |the |more )?(?:files?|photos?|videos?|images?|clips?|media"
    "|footage|pictures?)",
)  # fmt: skip
_UPLOAD_HAN = ("上传", "导入")

# Base and -ing forms only: "changes" and "adds" are more often nouns than requests.
_EDIT = (
    "add(?:ing)?", "insert(?:ing)?", "put(?:ting)?", "plac(?:e|ing)", "mak(?:e|ing)",
    "chang(?:e|ing)", "set(?:ting)?", "replac(?:e|ing)", "remov(?:e|ing)", "delet(?:e|ing)",
    "cut(?:ting)?", "trim(?:ming)?", "crop(?:ping)?", "mov(?:e|ing)", "shorten(?:ing)?",
    "lengthen(?:ing)?", "speed(?:ing)?", "slow(?:ing)?", "increas(?:e|ing)", "decreas(?:e|ing)",
    "rais(?:e|ing)", "lower(?:ing)?", "fad(?:e|ing)", "mut(?:e|ing)", "zoom(?:ing)?",
    "rotat(?:e|ing)", "swap(?:ping)?", "us(?:e|ing)", "apply(?:ing)?", "include", "writ(?:e|ing)",
    "renam(?:e|ing)", "resiz(?:e|ing)", "cent(?:er|re)", "align", "adjust(?:ing)?", "fix(?:ing)?",
    "edit(?:ing)?", "creat(?:e|ing)", "generat(?:e|ing)", "turn(?:ing)?", "split(?:ting)?",
    "merg(?:e|ing)", "reorder", "shift(?:ing)?", "drag(?:ging)?", "drop(?:ping)?", "extend",
    "duplicate", "overlay", "animate", "enlarge", "shrink", "darken", "brighten", "blur",
    "sharpen", "flip", "loop", "stretch", "append", "prepend", "tweak", "modify", "updat(?:e|ing)",
    "translate", "narrate", "highlight", "recolou?r", "boost", "reduc(?:e|ing)", "lighten",
)  # fmt: skip
_EDIT_HAN = (
    "加(?<![参更]加)(?![载油班])", "添", "插入", "放(?:到|在|大|慢|进|上|入|一)", "改", "换", "替",
    "删", "去掉", "去除", "剪", "裁", "截", "移(?:到|动|除|走|掉)",
    "调(?:整|高|低|大|小|快|慢|亮|暗|成|到|一下)", "设(?:置|成|为)", "做(?!好了?吗)",
    "制作", "生成", "写", "变(?:成|得|为|快|慢|大|小|亮|暗|短|长)", "缩短", "延长", "减慢",
    "静音", "旋转", "配(?:上|个|一)", "弄", "搞", "合并", "拆分", "分割", "叠加", "缩放",
    "翻转", "模糊", "淡入", "淡出", "居中", "对齐", "拉长", "拉伸", "提高", "降低", "减少",
    "增强", "减弱", "编辑", "修", "显示在", "显示到",
)  # fmt: skip

_NEG = (
    "don't", "dont", "do not", "doesn't", "does not", "didn't", "can't", "cannot", "can not",
    "shouldn't", "should not", "won't", "mustn't", "never", "not", "no need to", "no", "without",
    "stop", "avoid", "skip", "cancel", "hold off(?: on)?", "instead of", "rather than",
)  # fmt: skip
_NEG_HAN = (
    "不要", "不用", "不必", "不需要", "无需", "先不", "暂不", "停止", "取消", "勿", "甭",
    "别(?<![特区分级类告性识鉴辨离差]别)(?![的人处忘])", "不(?![错同够过仅但久少然好管如断止])",
    "没(?![问关事])",
)  # fmt: skip
_WAIT = ("wait(?:ing)?", "before", "until", "till", "hold on")
_WAIT_HAN = (
    "之后", "以后", "稍后", "晚点", "晚些", "等一下", "等一会", "等会", "等等", "待会",
    "一会儿", "回头", "暂时", "暂且", "改天", "先等",
)  # fmt: skip
_LATER = ("yet", "later", "afterwards", "tomorrow", "next time")
_LATER_HAN = ("之前", "以前", "前(?![面边头台景期])", "再说")
_BOTH = ("after",)

_STOP = (
    ",",
    ";",
    ":",
    "!",
    "?",
    "，",
    "。",
    "；",
    "：",
    "！",
    "？",
    "、",
    "\n",
    ".(?!\\d)",
    "但是",
    "不过",
    "可是",
)
_STOP_LATIN = ("but",)
ALONE = re.compile(
    r"^\s*((?:the\s+)?(?:timeline|tracks|draft)|时间线|时间轴|轨道|草稿)\s*[?!.？！。]*\s*$"
)
_EDGE = "a-z0-9\u00c0-\u024f"
_FREQUENT = ",.'\"\n;:!?scptamdbrfehiwlngouvkjyqzx"

# (group, Latin fragments, other fragments), in the order that wins ties.
_TABLE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("quote", (), _QUOTES),
    ("phrase", _PHRASE, _PHRASE_HAN),
    ("content", _CONTENT, _CONTENT_HAN),
    ("export", _EXPORT, _EXPORT_HAN),
    ("credits", _CREDITS, _CREDITS_HAN),
    ("state", _STATE, _STATE_HAN),
    ("upload", _UPLOAD, _UPLOAD_HAN),
    ("edit", _EDIT, _EDIT_HAN),
    ("neg", _NEG, _NEG_HAN),
    ("wait", _WAIT, _WAIT_HAN),
    ("later", _LATER, _LATER_HAN),
    ("both", _BOTH, ()),
    ("stop", _STOP_LATIN, _STOP),
)


def _expand(fragment: str) -> list[str]:
    """A fragment that opens with a group, as one fragment per alternative of that group."""
    if not fragment.startswith("(?:"):
        return [fragment]
    depth, close, bars = 0, 0, [2]
    for i, char in enumerate(fragment):
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 1:
            bars.append(i)
        if depth == 0:
            close = i
            break
    bars.append(close)
    rest = fragment[close + 1 :]
    heads = [fragment[a + 1 : b] for a, b in pairwise(bars)]
    if rest.startswith("?"):
        rest, heads = rest[1:], [*heads, ""]
    return [out for head in heads for out in _expand(head + rest)]


def _compile(
    which: int, kinds: frozenset[str] | None, lead: str, tail: str
) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One scan over the fragments of column `which`, grouped by their first character.

    Every fragment starts with a literal character, so each alternative of the scan opens
    with one and the regular expression engine skips the others after one comparison; an
    empty group closing each alternative tells which table group matched (`lastindex`).
    """
    buckets: dict[str, list[tuple[str, str]]] = {}
    for row in _TABLE:
        if kinds is None or row[0] in kinds:
            for fragment in (f for raw in row[which] for f in _expand(raw)):
                buckets.setdefault(fragment[0], []).append((fragment[1:], row[0]))
    names, parts = [""], []
    # Buckets are tried in turn, so the likely ones go first: ASCII before Han, then by how
    # often English words start with each letter. First characters differ, so order is free.
    for first, entries in sorted(buckets.items(), key=lambda item: _FREQUENT.find(item[0]) % 999):
        names.extend(name for _, name in entries)
        body = "|".join(f"{_words(rest) if which == 1 else rest}{tail}()" for rest, _ in entries)
        parts.append(f"{re.escape(first)}(?:{body})")
    return re.compile(f"{lead}(?:{'|'.join(parts)})"), tuple(names)


def _words(fragment: str) -> str:
    return fragment.replace("'", "['’]").replace(" ", r"\s+")


# Latin words: the scan runs over " " + text and consumes the character before each word, so
# it opens with one character class and the engine skips letters inside words without looking.
_LATIN, _LATIN_NAMES = _compile(1, None, f"[^{_EDGE}](?=[a-z])", f"(?![{_EDGE}])")
_OTHER, _OTHER_NAMES = _compile(2, None, "", "")
_LATIN_KEYS, _LATIN_KEY_NAMES = _compile(1, KINDS, f"[^{_EDGE}](?=[a-z])", f"(?![{_EDGE}])")
_OTHER_KEYS, _OTHER_KEY_NAMES = _compile(2, KINDS, "", "")

Event = tuple[int, int, str]
# In ASCII text the second scan can only find quotes and clause ends.
_ASCII_OTHER = re.compile(r"[\"',;:!?.\n]")
_QUOTE_MARK = re.compile(r"[\"'“‘「『《＂]")


def events(low: str) -> list[Event]:
    """The (start, end, group) events of a lower-cased line, left to right, none overlapping."""
    names = _LATIN_NAMES
    # The Latin scan runs one character ahead (see above), so its ends shift back by one.
    words = [(m.start(), m.end() - 1, names[m.lastindex or 0]) for m in _LATIN.finditer(" " + low)]
    if low.isascii() and not _ASCII_OTHER.search(low):
        return words
    names = _OTHER_NAMES
    rest = [(m.start(), m.end(), names[m.lastindex or 0]) for m in _OTHER.finditer(low)]
    return _merge(words, rest, low) if words and rest else words or rest


def keywords(low: str) -> list[Event]:
    """The action keywords alone in a lower-cased passage."""
    names = _LATIN_KEY_NAMES
    words = [
        (m.start(), m.end() - 1, names[m.lastindex or 0]) for m in _LATIN_KEYS.finditer(" " + low)
    ]
    names = _OTHER_KEY_NAMES
    rest = [(m.start(), m.end(), names[m.lastindex or 0]) for m in _OTHER_KEYS.finditer(low)]
    return _merge(words, rest, low) if words and rest else words or rest


def _merge(words: list[Event], rest: list[Event], low: str) -> list[Event]:
    events = sorted(words + rest)
    if _QUOTE_MARK.search(low) is None:
        return events
    merged, edge = [], 0
    for event in events:
        if event[0] >= edge:  # a word inside a quoted passage is part of the passage
            merged.append(event)
            edge = event[1]
    return merged


def lowered(text: str) -> str:
    """`text` in lower case with every character at its original index."""
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters lower to two ("İ"); keep those as they are so positions still match.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
