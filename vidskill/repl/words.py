"""The chat's own few words, in English and Chinese (zh-CN), beside `vidskill.messages`.

The catalog is data, one dict per language with the same keys; the language is chosen the way
`vidskill.messages` chooses it, and a key a language lacks falls back to English.
"""

from __future__ import annotations

from vidskill import messages

EN: dict[str, str] = {
    "try_saying": "Try saying:",
    "leave_hint": "Press Ctrl-C again or Ctrl-D to leave.",
    "cancelled": "Stopped. Your message was not sent again; type the next one.",
    "working": "Working... (Ctrl-C to stop)",
    "bye": "Bye.",
    "skill_changed": "Now using {name}.",
    "toolbar_skill": "skill",
    "toolbar_session": "session",
    "toolbar_lang": "language",
    "toolbar_credits": "credits",
    "toolbar_no_session": "new",
}
ZH: dict[str, str] = {
    "try_saying": "可以这样说：",
    "leave_hint": "再按一次 Ctrl-C 或按 Ctrl-D 退出。",
    "cancelled": "已停止。你的消息没有重复发送；请输入下一条。",
    "working": "处理中...（按 Ctrl-C 停止）",
    "bye": "再见。",
    "skill_changed": "已切换到 {name}。",
    "toolbar_skill": "技能",
    "toolbar_session": "会话",
    "toolbar_lang": "语言",
    "toolbar_credits": "积分",
    "toolbar_no_session": "新建",
}
CATALOG: dict[str, dict[str, str]] = {"en": EN, "zh-CN": ZH}


def say(key: str, lang: str, **fmt: object) -> str:
    """The chat's words for `key` in `lang` (English when the language or the key is missing)."""
    table = CATALOG[messages.catalog_language(lang)]
    return table.get(key, EN[key]).format(**fmt)
