"""Finding out what a turn did without its words: the state read after it, and its changes.

A stream that ends without text, a turn that ran out of time and a stream that dropped all end
the same way: the draft read before the message is compared with the state now. After a drop
the turn may still be running on the backend, so the state is read on the recovery cadence
(`Settings.recovery_waits_s`, the last wait repeating) until the draft changes or
`recovery_max_reads` reads found nothing new. The message itself is never sent again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from vidskill import errors
from vidskill.engine.conversation import Conversation
from vidskill.engine.outputs import Notice, Output, Status
from vidskill.timeline import diff, parse_draft


def changed(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> bool:
    """Whether the raw draft differs (no draft and an empty one are the same)."""
    return dict(before or {}) != dict(after or {})


def change_lines(conv: Conversation, before: Mapping[str, Any] | None) -> list[str]:
    """The timeline's changes since `before`, as lines in the user's language."""
    if conv.draft is None:
        return []
    old = parse_draft(before) if before else None
    return diff(old, conv.draft, conv.lang) or [conv.say("draft_changed")]


def _report(conv: Conversation, lines: list[str], key: str) -> Notice:
    bullets = "\n".join(f"  • {line}" for line in lines)
    return Notice(conv.say(key, changes=bullets))


async def changes_since(
    conv: Conversation, before: Mapping[str, Any] | None, changed_key: str, nothing_key: str
) -> Notice:
    """Read the state once and say what changed since `before` (or that nothing did)."""
    await conv.read_state()
    if changed(before, conv.raw_draft):
        return _report(conv, change_lines(conv, before), changed_key)
    return Notice(conv.say(nothing_key))


async def recover(conv: Conversation, before: Mapping[str, Any] | None) -> AsyncIterator[Output]:
    """After a dropped stream: wait, read the state, report the first change; never resend."""
    settings = conv.settings
    failure: errors.NetworkError | None = None
    for read in range(settings.recovery_max_reads):
        wait = settings.recovery_wait(read)
        yield Status(conv.say("recovery_wait", seconds=f"{wait:g}"))
        await conv.sleep(wait)
        try:
            await conv.read_state()
        except errors.NetworkError as exc:
            failure = exc  # the backend may be restarting; the next read may reach it
            continue
        failure = None
        if changed(before, conv.raw_draft):
            conv.log.actions.append("recovered")
            yield _report(conv, change_lines(conv, before), "recovered_changes")
            return
    if failure is not None:
        raise failure
    yield Notice(conv.say("recovery_nothing", reads=settings.recovery_max_reads))
