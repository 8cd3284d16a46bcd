"""The slash commands that are not actions of their own: /help /timeline /why /new /skill /lang
/quit (the router turns /upload /export /credits /state into their actions)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from vidskill import errors, skill
from vidskill.engine import reads
from vidskill.engine.conversation import Conversation
from vidskill.engine.explain import refusal
from vidskill.engine.outputs import Notice, Output, Quit, SkillChanged
from vidskill.router import Intent

Handler = Callable[[Conversation, Intent, "Intent | None"], AsyncIterator[Output]]

LANGS = {
    "en": "en", "english": "en", "英文": "en", "英语": "en",
    "zh": "zh-CN", "zh-cn": "zh-CN", "cn": "zh-CN", "chinese": "zh-CN", "中文": "zh-CN",
    "汉语": "zh-CN", "简体中文": "zh-CN",
}  # fmt: skip


async def _help(conv: Conversation, intent: Intent, last: Intent | None) -> AsyncIterator[Output]:
    examples = conv.skill.texts(conv.lang).examples
    tries = "\n".join(f"  • {example}" for example in examples)
    yield Notice(conv.say("help", examples=tries or "  • " + conv.say("help_no_examples")))


async def _timeline(
    conv: Conversation, intent: Intent, last: Intent | None
) -> AsyncIterator[Output]:
    async for output in reads.timeline(conv):
        yield output


async def _why(conv: Conversation, intent: Intent, last: Intent | None) -> AsyncIterator[Output]:
    if last is None:
        yield Notice(conv.say("why_none"))
        return
    why = last.why
    where = f" [{why.keyword}]" if why.keyword else ""
    yield Notice(
        conv.say("why", text=last.text, kind=last.kind, rule=why.rule, where=where, note=why.note)
    )


async def _new(conv: Conversation, intent: Intent, last: Intent | None) -> AsyncIterator[Output]:
    conv.drop_session()
    yield Notice(conv.say("new_session"))


async def _lang(conv: Conversation, intent: Intent, last: Intent | None) -> AsyncIterator[Output]:
    wanted = intent.args.strip()
    if not wanted:
        yield Notice(conv.say("lang_now", lang=conv.lang))
        return
    code = LANGS.get(wanted.lower())
    if code is None:
        raise errors.UsageError(conv.say("lang_unknown", lang=wanted))
    conv.lang, conv.lang_fixed = code, True
    conv.remember()
    yield Notice(conv.say("lang_set", lang=code))


async def _skill(conv: Conversation, intent: Intent, last: Intent | None) -> AsyncIterator[Output]:
    name = intent.args.strip()
    if not name:
        names = ", ".join(["vidskill", *skill.bundled()])
        yield Notice(conv.say("skill_now", name=conv.skill.name, names=names))
        return
    if conv.api_factory is None:
        yield refusal("skill_switch", conv.lang, exit_code=2)
        return
    conv.switch_skill(skill.resolve(name))
    yield SkillChanged(conv.skill.name)
    yield Notice(conv.skill.texts(conv.lang).greeting)


async def _quit(conv: Conversation, intent: Intent, last: Intent | None) -> AsyncIterator[Output]:
    yield Quit()


HANDLERS: dict[str, Handler] = {
    "help": _help,
    "timeline": _timeline,
    "why": _why,
    "new": _new,
    "lang": _lang,
    "skill": _skill,
    "quit": _quit,
}


async def run(conv: Conversation, intent: Intent, last: Intent | None) -> AsyncIterator[Output]:
    """Run one slash command; an unknown one is refused with a pointer to /help."""
    handler = HANDLERS.get(intent.command or "")
    if handler is None:
        yield refusal("unknown_command", conv.lang, exit_code=2, name=intent.command or "")
        return
    async for output in handler(conv, intent, last):
        yield output
