"""Rules for length, canvas, music, transitions, motion, the logo and the voiceover."""

from __future__ import annotations

import re

from vidskill.server.agent import ops
from vidskill.server.agent.window import FLAGS, Builder, Found, mood_in, verb_for, volume_shift
from vidskill.server.agent.words import EN_WORDS, ZH_NUMBER, en_number, seconds, zh_number

_MUSIC = re.compile(r"music|bgm|soundtrack|song|tune|音乐|配乐|歌", FLAGS)
_VOLUME = re.compile(r"volume|level|音量|声音", FLAGS)
_PERCENT = re.compile(r"\d\s*(?:%|％|percent)|百分之")
_VOICE = re.compile(r"voice|narrat|配音|旁白|解说", FLAGS)
_SKIP_BEFORE = re.compile(
    r"(?:(?:first|second|third|last|\d+(?:st|nd|rd|th))\s+(?:photo|image|picture|slide|clip|scene|one)|"
    r"(?:photo|image|picture|slide|clip|scene)\s+\d+|第\S{1,3}(?:张|个|段)\S{0,2}(?:改成|设为|为|变成)?)\s*$|"
    r"(?:\b(?:first|last|every|each|per|after|at|under|within|before)|前|后|每|第|最后)\s*(?:the\s+)?$",
    FLAGS,
)
_ON_SCREEN = re.compile(r"title|caption|subtitle|text|logo|标题|字幕|文字|logo", FLAGS)
_PER_EN = re.compile(
    r"^\s*(?:per|each|for\s+each|a|every)\b|^\s*(?:on|for)\s+(?:each|every)\b", FLAGS
)
_PER_ZH = re.compile(r"每张|每个|每段|每幅|每页|一张")


def _duration(found: Found, amount: float | None, extra: float | None) -> tuple[ops.Edit, ...]:
    ms = seconds(amount, found.group("u") or "s")
    if ms is None or _SKIP_BEFORE.search(found.before):
        return ()
    ms += round((extra or 0) * 1000)
    before = found.before.lower()
    if re.search(r"\bfor\s*$", before, FLAGS) and _ON_SCREEN.search(before):
        return ()  # "the title for 5 seconds" is about the title, not the video
    if _PER_EN.search(found.after) or _PER_ZH.search(found.before[-6:] + found.after[:4]):
        return (ops.Duration("per", ms),)
    direction = (found.group("dir") or "").lower()
    if direction in ("shorter", "less") or (
        not re.search(r"(?:\bto|到|至|成|为|是)\s*$", before, FLAGS)
        and re.search(
            r"shorten|\bcut\b|trim|reduce|take\s+off|缩短|减少|减掉|剪掉|少", before[-16:], FLAGS
        )
    ):
        return (ops.Duration("shift", -ms),)
    if direction in ("longer", "more") or (
        not re.search(r"(?:\bto|到|至|成|为|是)\s*$", before, FLAGS)
        and re.search(r"extend|lengthen|\badd\b|延长|加长|增加|多加|加", before[-16:], FLAGS)
    ):
        return (ops.Duration("shift", ms),)
    return (ops.Duration("set", ms),)


def _en_duration(found: Found) -> tuple[ops.Edit, ...]:
    number = (found.group("n") or found.group("w") or "").lower().strip()
    if number in ("a", "an", "one") and (found.group("u") or "").lower().startswith("sec"):
        return ()  # "a second photo" is an ordinal, not a length
    extra = found.group("n2")
    return _duration(found, en_number(number), float(extra) if extra else None)


def _zh_duration(found: Found) -> tuple[ops.Edit, ...]:
    extra = found.group("n2")
    return _duration(found, zh_number(found.group("n") or ""), zh_number(extra) if extra else None)


def _scale(factor: float) -> Builder:
    return lambda found: (ops.Duration("scale", factor),)


def _percent(found: Found) -> tuple[ops.Edit, ...]:
    raw = found.group("n") or found.group("z") or ""
    value = zh_number(raw)
    context = found.before + found.after[:12]
    if value is None or not (_MUSIC.search(context) or _VOLUME.search(context)):
        return ()
    if _VOICE.search(context) and not _MUSIC.search(context):
        return ()
    return (ops.MusicVolume("set", max(0, min(100, round(value)))),)


def _music(found: Found) -> tuple[ops.Edit, ...]:
    verb = verb_for(found)
    if verb == "remove":
        return (ops.RemoveMusic(),)
    near = found.before[-14:] + found.after
    shift = volume_shift(near)
    mood = mood_in(found.before[-20:] + found.text[found.start : found.end] + found.after)
    if shift and not mood:
        return (ops.MusicVolume("shift", shift),)
    if (_VOLUME.search(found.after) or _PERCENT.search(found.after)) and verb is None and not mood:
        return ()  # "music volume ..." is for the volume rules
    return (ops.AddMusic(mood),)


def _volume(found: Found) -> tuple[ops.Edit, ...]:
    shift = volume_shift(found.before[-14:] + found.after)
    if not shift or _VOICE.search(found.clause):
        return ()
    return (ops.MusicVolume("shift", shift),)


def _aspect(ratio: str) -> Builder:
    return lambda found: (ops.Aspect(ratio),)


_KINDS = [
    ("fade_black", re.compile(r"black|黑场|黑屏|渐黑", FLAGS)),
    ("slide_left", re.compile(r"\bslid(?:e|es|ing)\b|\bpush|滑动|推移|滑入", FLAGS)),
    ("wipe_left", re.compile(r"wipe|擦除|划像", FLAGS)),
    ("none", re.compile(r"hard\s+cut|\bcuts?\b|直接切|硬切", FLAGS)),
    ("crossfade", re.compile(r"fade|dissolve|blend|淡入淡出|淡化|叠化|溶解|渐变", FLAGS)),
]


def _transition(found: Found) -> tuple[ops.Edit, ...]:
    if verb_for(found) == "remove":
        return (ops.Transition("none"),)
    kind = next((k for k, words in _KINDS if words.search(found.clause)), "crossfade")
    return (ops.Transition(kind),)


def _fixed_transition(kind: str) -> Builder:
    def build(found: Found) -> tuple[ops.Edit, ...]:
        if kind == "crossfade" and _MUSIC.search(found.clause):
            return ()  # "fade the music in and out" is about sound
        if verb_for(found) == "remove":
            return (ops.Transition("none"),)
        return (ops.Transition(kind),)

    return build


_GENTLE = re.compile(r"slow|gentle|subtle|smooth|slight|soft|缓慢|轻微|平滑|柔和|慢|轻柔", FLAGS)


def _motion(found: Found) -> tuple[ops.Edit, ...]:
    if verb_for(found) == "remove":
        return (ops.Motion("none"),)
    word = found.text[found.start : found.end].lower()
    if _GENTLE.search(found.before[-16:] + word):
        return (ops.Motion("gentle"),)
    if re.search(r"zoom(?:ing)?\s+in|推近", word, FLAGS):
        return (ops.Motion("zoom_in"),)
    if re.search(r"zoom(?:ing)?\s+out|拉远", word, FLAGS):
        return (ops.Motion("zoom_out"),)
    if re.search(r"\bpan|平移", word, FLAGS):
        return (ops.Motion("pan"),)
    return (ops.Motion("dynamic"),)


def _fixed_motion(style: ops.MotionStyle) -> Builder:
    def build(found: Found) -> tuple[ops.Edit, ...]:
        return () if _MUSIC.search(found.clause) else (ops.Motion(style),)

    return build


_CORNERS = [
    ("top_right", r"top[\s-]*right|upper[\s-]*right|右上"),
    ("top_left", r"top[\s-]*left|upper[\s-]*left|左上"),
    ("bottom_right", r"bottom[\s-]*right|lower[\s-]*right|右下"),
    ("bottom_left", r"bottom[\s-]*left|lower[\s-]*left|左下"),
    ("center", r"\bcent(?:er|re)\b|\bmiddle\b|中间|中央|正中"),
    ("top_right", r"corner|watermark|overlay|角|水印|叠加|throughout|whole\s+video|全程"),
]


def _logo(found: Found) -> tuple[ops.Edit, ...]:
    if verb_for(found) == "remove":
        return (ops.Logo("remove"),)
    clause = found.clause
    for corner, words in _CORNERS:
        if re.search(words, clause, FLAGS):
            return (ops.Logo("corner", corner),)
    if re.search(r"\bend|outro|final|closing|last|片尾|结尾|最后|末尾", clause, FLAGS):
        return (ops.Logo("end"),)
    return (ops.Logo("end"),) if verb_for(found) == "add" else ()


def _voiceover(found: Found) -> tuple[ops.Edit, ...]:
    return (ops.RemoveVoiceover(),) if verb_for(found) == "remove" else ()


_EN_UNIT = r"seconds?|secs?|s|minutes?|mins?|m"
RULES: list[tuple[str, Builder]] = [
    (
        r"(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:%|％|\s+percent\b|\s+per\s+cent\b)|百分之(?P<z>[零一二两三四五六七八九十百]+)",
        _percent,
    ),
    (
        rf"(?<![\w.])(?:(?P<n>\d+(?:\.\d+)?)\s*-?\s*|(?P<w>{EN_WORDS})(?:\s+|\s*-\s*))(?P<u>{_EN_UNIT})\b"
        rf"(?:\s*(?:and\s*)?(?P<n2>\d+)\s*(?:seconds?|secs?|s)\b)?(?:\s+(?P<dir>shorter|longer|less|more)\b)?",
        _en_duration,
    ),
    (
        rf"(?P<n>{ZH_NUMBER})\s*(?P<u>秒钟?|分钟|分(?=\s*(?:\d+|[零一二两三四五六七八九十]+)\s*秒))"
        rf"(?:\s*(?P<n2>\d+|[零一二两三四五六七八九十]+)\s*秒)?",
        _zh_duration,
    ),
    (
        r"\b(?:make\s+it\s+|a\s+bit\s+|a\s+little\s+|much\s+)?shorter\b|\bshorten\s+it\b|\btrim\s+it\s+down\b|"
        r"短一点|短一些|缩短一点|缩短一些|剪短一点|再短",
        _scale(0.75),
    ),
    (
        r"\b(?:make\s+it\s+|a\s+bit\s+|a\s+little\s+|much\s+)?longer\b|\blengthen\s+it\b|"
        r"长一点|长一些|加长一点|延长一点|延长一些|再长",
        _scale(1.25),
    ),
    (
        r"\b9\s*[:：x×/]\s*16\b|\b1080\s*[x×*]\s*1920\b|\bvertical\b|\bportrait\s+(?:mode|orientation|format|"
        r"video|version)\b|\b(?:to|in)\s+portrait\b|\btiktok\b|\breels?\b|\bshorts\b|\bstories\b|竖屏|竖版|竖向|竖的|抖音|快手",
        _aspect("9:16"),
    ),
    (r"\b1\s*[:：x×/]\s*1\b|\b1080\s*[x×*]\s*1080\b|\bsquare\b|正方形|方形|方屏", _aspect("1:1")),
    (
        r"\b16\s*[:：x×/]\s*9\b|\b1920\s*[x×*]\s*1080\b|\bhorizontal\b|\blandscape\b|\bwide\s*screen\b|"
        r"\byoutube\b|横屏|横版|宽屏|横向",
        _aspect("16:9"),
    ),
    (r"\bcross-?\s?fades?\b|\bdissolves?\b|淡入淡出|叠化", _fixed_transition("crossfade")),
    (
        r"\bfade(?:s|d)?\s+(?:to|through|into)\s+black\b|\bdip\s+to\s+black\b|黑场",
        _fixed_transition("fade_black"),
    ),
    (r"\b(?:hard|jump|straight)\s+cuts?\b|硬切|直接切换", _fixed_transition("none")),
    (
        r"\bmore\s+(?:dynamic|lively|movement|motion)\b|\bdynamic\b|\blivelier\b|动感一?点|更有动感|更动感",
        _fixed_motion("dynamic"),
    ),
    (
        r"\b(?:static|still)\s+(?:images?|photos?|pictures?|frames?)\b|\bkeep\s+(?:it|them)\s+still\b|"
        r"静止|不要动|别动",
        _fixed_motion("none"),
    ),
    (
        r"\bless\s+(?:dynamic|motion|movement)\b|\bsubtler\b|\bcalmer\s+motion\b",
        _fixed_motion("gentle"),
    ),
]

NOUNS: list[tuple[str, Builder]] = [
    (
        r"\bbackground\s+music\b|\bmusic\b|\bbgm\b|\bsoundtrack\b|\bsongs?\b|\btunes?\b|背景音乐|音乐|配乐|BGM",
        _music,
    ),
    (r"\bvolume\b|音量", _volume),
    (r"\btransitions?\b|转场|过渡(?:效果)?|切换效果", _transition),
    (
        r"\bken\s*burns\b|\bzoom(?:s|ing)?(?:\s+(?:in|out))?\b|\bpan(?:s|ning)?\b|\bmotion\b|\bmovement\b|"
        r"\banimation\b|\bcamera\s+moves?\b|缩放|推拉|推近|拉远|平移|动效|运动效果|动画效果|镜头运动|镜头移动",
        _motion,
    ),
    (r"\blogos?\b|\bwatermark\b|标志|商标|徽标|水印", _logo),
    (r"\bvoice-?\s?overs?\b|\bnarration\b|\bvoice\b|配音|旁白|解说", _voiceover),
    (
        r"\bhelp\b|what\s+can\s+you\s+do|how\s+does\s+(?:this|it)\s+work|能做什么|可以做什么|会做什么|帮助|怎么用",
        lambda found: (ops.Help(),),
    ),
]
