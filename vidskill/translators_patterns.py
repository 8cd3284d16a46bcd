"""The patterns of backend GUI-speak (PROTOCOL.md §6), English and Chinese, in priority order.

Rules are tried in `RULES` order; a later rule never touches text an earlier one took, so the
specific patterns (drag, click) come before the general ones (a sentence naming a button).
Repetitions are bounded so that no input makes a pattern slow.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from vidskill.translators_match import (
    Hit,
    Rule,
    on_click,
    on_credits,
    on_drag,
    on_export,
    on_mention,
    on_open,
    on_preview,
    on_zh_click,
    on_zh_credits,
    on_zh_drag,
    on_zh_export,
    on_zh_open,
    on_zh_preview,
)

_STOP = r".!?;,…。！？；：，、\n"
_EN_START = r"(?<![A-Za-z0-9'’-])"
_LEAD = (
    r"(?P<lead>(?:(?i:please|kindly|just|simply|now|also|you\s+can|you\s+could|you\s+may|"
    r"you(?:'ll|’ll|\s+will)(?:\s+(?:need|want|have)\s+to)?|you\s+(?:need|want|have)\s+to|"
    r"you\s+should|you\s+might\s+want\s+to|go\s+ahead\s+and|feel\s+free\s+to|be\s+sure\s+to|"
    r"make\s+sure\s+(?:to|you)|don't\s+forget\s+to|remember\s+to|try|"
    r"all\s+you\s+(?:need|have)\s+to\s+do\s+is(?:\s+to)?)\s+){0,4})"
)
_BY = r"(?P<by>\s+(?i:by|through)\s+)"
_QUOTED = (
    r"\"[^\"\n]{1,40}\"|“[^”\n]{1,40}”|'[^'\n]{1,40}'|‘[^’\n]{1,40}’|\*\*[^*\n]{1,40}\*\*|"
    r"`[^`\n]{1,40}`|\[[^\]\n]{1,40}\]"
)
_WORD = rf"[^\s{_STOP}\"“”‘’()（）\[\]*`]+"
_LABEL = rf"(?P<label>{_QUOTED}|{_WORD}(?:\s+{_WORD}){{0,2}}?)"
_NOUNS = r"button|btn|icon|tab|menu|panel|link|option|page|toolbar|sidebar|dialog|window|slider"
_NOUN = rf"(?P<noun>\s+(?i:{_NOUNS})s?(?![A-Za-z]))?"
_SIDE = r"top|bottom|upper|lower|left|right|middle|center|centre|very|hand"
_WHERE = (
    rf"(?P<where>\s+(?i:in|at|on|from|near|under|next\s+to)\s+(?i:the\s+)?"
    rf"(?i:(?:(?:{_SIDE})[\s-]+){{0,3}}(?:{_SIDE}|corner|toolbar|sidebar|menu\s+bar|top\s+bar|header|"
    r"navigation(?:\s+bar)?)(?:\s+(?:corner|side|edge|area|bar|panel|menu))?"
    r"(?:\s+of\s+(?:the\s+)?(?:screen|page|editor|window|app|player))?|"
    r"timeline|editor|preview|player|canvas)|\s+(?i:above|below))?"
)
_GUI_VERB = r"click|tap|press|drag|drop|open|hit|select|preview|check"
_PURPOSE = (
    r"(?:\s*,?\s+(?i:to|in\s+order\s+to|so\s+(?:that\s+)?you\s+can)\s+(?P<purpose>"
    rf"(?:(?!\s+(?i:and|then|or)\s+(?i:{_GUI_VERB})\b)[^{_STOP}])+))?"
)
_TAIL = (
    r"when|once|if|after|before|whenever|as\s+soon\s+as|and|or|but|so|then|now|again|by|for|"
    r"with|anytime|at\s+any\s+time"
)
_END = rf"(?=\s*(?:[{_STOP})）\]]|$)|\s+(?i:{_TAIL})(?![A-Za-z]))"
_ZH_LEAD = (
    r"(?P<lead>(?:请您?|您可以|你可以|可以|只需要?|只要|直接|需要|您需要|你需要|记得|试着|"
    r"不妨){0,3})"
)
_ZH_CLAUSE = rf"[^{_STOP}]"
_ZH_QUOTED = (
    r"“[^”\n]{1,20}”|「[^」\n]{1,20}」|\"[^\"\n]{1,20}\"|【[^】\n]{1,20}】|\[[^\]\n]{1,20}\]"
)
_ZH_KNOWN = (
    r"导出|下载|上传|渲染|保存|分享|发布|预览|播放|时间轴|时间线|积分|充值|账户|余额|素材库|项目|"
    r"设置|这里|此处|(?i:export|download|upload|preview)"
)
_ZH_ELEMENT = r"字幕|标题|文字|片段|素材|音乐|照片|图片|(?i:logo)"
_ZH_NOUNS = r"按钮|图标|选项卡?|标签页?|菜单|链接|面板|入口|键"
_ZH_PARTS = r"轨道|片段|图层"
_ZH_WHERE = (
    r"(?P<where>(?:页面|屏幕|界面|编辑器|播放器)?的?(?:右上角|左上角|右下角|左下角|上方|下方|顶部|"
    r"底部|左侧|右侧|右边|左边|上面|下面|中间|工具栏|侧边栏|菜单栏|导航栏)?的?)"
)


def _rule(
    name: str, pattern: str, build: Callable[[re.Match[str]], Hit | None], soft: bool = False
) -> Rule:
    return Rule(name, re.compile(pattern), build, soft)


_DRAG_VERB = r"drag(?:ging)?(?:\s*(?:and|&|'n'|n)\s*drop(?:ping)?)?|drop(?:ping)?"
_DRAG_REST = rf"(?P<rest>(?:(?!\s+(?i:and|then|or)\s+(?i:{_GUI_VERB}|export)\b)[^{_STOP}])+)"
_CLICK_VERB = (
    r"(?:double|right|left)[-\s]?click(?:ing)?|click(?:ing)?|tap(?:ping)?|press(?:ing)?|"
    r"hit(?:ting)?|select(?:ing)?|choos(?:e|ing)|us(?:e|ing)|push(?:ing)?"
)
_OPEN_VERB = (
    r"open(?:\s+up)?|opening|go\s+to|navigate\s+to|head\s+(?:over\s+)?to|switch\s+to|visit|"
    r"access|launch"
)
_CREDIT_WORD = r"account|billing|credits?|balance|plan|subscription|wallet"

RULES: tuple[Rule, ...] = (
    _rule(
        "drag",
        rf"(?:{_BY}|{_EN_START}{_LEAD})(?:(?i:click|select|tap)(?:\s+on)?\s+"
        rf"(?P<pobj>(?i:the|your)\s+[^{_STOP}]{{1,30}}?)\s*,?\s+(?i:and\s+)?(?i:then\s+)?)?"
        rf"(?P<verb>(?i:{_DRAG_VERB}))(?![A-Za-z-])\s+{_DRAG_REST}",
        on_drag,
    ),
    _rule(
        "zh_drag",
        rf"{_ZH_LEAD}(?:(?:将|把)(?P<obj>{_ZH_CLAUSE}{{1,20}}?)(?P<verb>拖拽|拖动|拖放|拖曳|拖)"
        rf"(?:到|至|进入|进|入|放到)|(?P<verb2>拖拽|拖动|拖放|拖曳|拖入|拖进)"
        rf"(?:(?P<obj2>{_ZH_CLAUSE}{{0,20}}?)(?:到|至|进入|进|入)|(?P<rest>{_ZH_CLAUSE}*)))"
        rf"(?P<dest>(?:(?!即可|就可以|来|以便){_ZH_CLAUSE})*)(?P<purpose>{_ZH_CLAUSE}*)",
        on_zh_drag,
    ),
    _rule(
        "click",
        rf"(?:{_BY}|{_EN_START}{_LEAD})(?P<verb>(?i:{_CLICK_VERB}))(?![A-Za-z-])"
        rf"(?:\s+(?i:on|at))?(?:\s+(?P<det>(?i:the|your|that|this|a|an|any|each)))?"
        rf"\s+{_LABEL}{_NOUN}{_WHERE}{_PURPOSE}{_END}",
        on_click,
    ),
    _rule(
        "zh_click",
        rf"{_ZH_LEAD}(?P<verb>点击|单击|双击|点一下|轻触|轻点|点按|按下)(?!率|量|数|次)"
        rf"{_ZH_WHERE}\s*(?P<label>[^\s{_STOP}“”]{{1,12}}?\s*(?={_ZH_NOUNS})|"
        rf"[^\s{_STOP}“”]{{1,12}}?(?:{_ZH_PARTS})|{_ZH_QUOTED}|{_ZH_KNOWN}|{_ZH_ELEMENT})"
        rf"\s*(?P<noun>{_ZH_NOUNS})?"
        rf"(?P<purpose>(?:(?!点击|拖|打开){_ZH_CLAUSE})*)",
        on_zh_click,
    ),
    _rule(
        "open",
        rf"{_EN_START}{_LEAD}(?P<verb>(?i:{_OPEN_VERB}))(?![A-Za-z-])"
        rf"(?:\s+(?P<det>(?i:the|your|a|this|that|my)))?\s+{_LABEL}{_NOUN}{_WHERE}{_PURPOSE}{_END}",
        on_open,
    ),
    _rule(
        "zh_open",
        rf"{_ZH_LEAD}(?P<verb>打开|前往|进入|切换到|转到|跳转到)(?P<obj>{_ZH_CLAUSE}{{0,12}}?)"
        r"(?P<noun>面板|页面|窗口|界面|设置|时间轴|时间线|轨道|项目|素材库|媒体库|编辑器|菜单|"
        r"账户|账号|账单|工程|预览|播放器|标签页?)(?:页面|面板|界面|窗口|标签页?)?"
        rf"(?P<purpose>(?:(?!点击|拖|打开){_ZH_CLAUSE})*)",
        on_zh_open,
    ),
    _rule(
        "preview",
        rf"(?:{_BY}|{_EN_START}{_LEAD})(?P<verb>(?i:preview(?:ing)?|check(?:ing)?|view(?:ing)?|"
        r"see|watch(?:ing)?|look(?:ing)?\s+at|review(?:ing)?|play(?:ing)?))(?![A-Za-z-])"
        rf"(?P<obj>(?:\s+(?!(?i:in|on)\b){_WORD}){{0,5}}?)\s+(?i:in|on|using)\s+(?i:the\s+|your\s+)?"
        r"(?i:timeline|preview(?:\s+(?:window|panel|pane|player|area))?|player)(?![A-Za-z])"
        rf"(?:\s+(?i:panel|view|window|below|above))?{_PURPOSE}{_END}",
        on_preview,
    ),
    _rule(
        "see_timeline",
        rf"{_EN_START}{_LEAD}(?P<verb>(?i:check|view|see|look\s+at|review|inspect))(?:\s+(?i:out))?"
        r"\s+(?i:the|your)\s+(?i:timeline|preview)(?![A-Za-z])"
        rf"(?:\s+(?i:panel|view|window|below|above))?{_PURPOSE}{_END}",
        on_preview,
    ),
    _rule(
        "zh_preview",
        rf"{_ZH_LEAD}(?:在|到)(?:时间[轴线]|预览(?:窗口|区域?|面板)|播放器)(?:上|中|里)?"
        rf"(?:预览|查看|确认|检查|播放|看看|浏览)(?P<obj>{_ZH_CLAUSE}*)",
        on_zh_preview,
    ),
    _rule(
        "zh_see_timeline",
        rf"{_ZH_LEAD}(?:预览|查看|看看|检查)(?:一下)?(?:你的|您的)?时间[轴线](?P<obj>)",
        on_zh_preview,
    ),
    _rule(
        "credits",
        rf"{_EN_START}{_LEAD}(?P<verb>(?i:check|view|see|visit|go\s+to|head\s+to|open|manage|"
        r"review|top\s+up|recharge|refill|buy|purchase|upgrade|get))(?![A-Za-z-])"
        r"(?:\s+(?P<det>(?i:your|the|more|some|extra|my|a)))?"
        rf"\s+(?P<label>(?i:{_CREDIT_WORD}))(?![A-Za-z])(?:\s*(?:/|&|(?i:or|and))\s*"
        rf"(?i:{_CREDIT_WORD})(?![A-Za-z])){{0,3}}(?P<noun>\s+(?i:page|settings|section|tab|panel|"
        rf"details|dashboard|balance))?{_WHERE}{_PURPOSE}{_END}",
        on_credits,
    ),
    _rule(
        "top_up",
        rf"{_EN_START}{_LEAD}(?P<verb>(?i:top\s+up|recharge))(?![A-Za-z-])"
        rf"(?P<noun>\s+(?i:your|my)\s+(?i:credits|account|balance))?{_PURPOSE}{_END}",
        on_credits,
    ),
    _rule(
        "zh_credits",
        rf"{_ZH_LEAD}(?:先)?(?:前往|去|到|进入)?(?:账户|账号|个人中心)?(?:页面)?(?:进行)?充值(?:页面)?"
        r"|(?:请|可以|你可以|您可以)?(?:查看|检查|确认|前往|管理)(?:一下)?(?:你的|您的)?"
        r"(?:账户|账号|账单|余额|积分)(?:余额|页面|设置)?",
        on_zh_credits,
    ),
    _rule(
        "export",
        rf"{_EN_START}{_LEAD}(?P<verb>(?i:export|download))(?![A-Za-z-])"
        rf"(?P<obj>(?:\s+(?!(?i:{_TAIL}|to)\b){_WORD}){{0,6}})",
        on_export,
        soft=True,
    ),
    _rule(
        "zh_export",
        r"(?P<lead>请|即可|可以|就可以|你可以|您可以|直接|去|现在就?可以|马上|立即)(?:进行)?"
        rf"(?P<verb>导出|下载)(?!的|量|次)(?P<obj>{_ZH_CLAUSE}*)",
        on_zh_export,
        soft=True,
    ),
    _rule(
        "mention",
        rf"(?:^|(?<=[{_STOP}—–]))(?P<pre>\s*)[^{_STOP}—–]*?(?P<label>{_QUOTED}|(?<![A-Za-z])"
        rf"[A-Za-z]+)\s+(?i:button|icon)s?(?![A-Za-z])[^{_STOP}—–]*",
        on_mention,
    ),
    _rule(
        "zh_mention",
        rf"(?:^|(?<=[{_STOP}—–]))(?P<pre>\s*)[^{_STOP}—–]*?(?P<label>{_ZH_QUOTED}|{_ZH_KNOWN})"
        rf"(?:按钮|图标)[^{_STOP}—–]*",
        on_mention,
    ),
)
