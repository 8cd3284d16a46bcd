"""One chat turn: the stream shown as it arrives, GUI-speak carried out, and every way it can end.

Text parts are shown after `translators.translate`; the actions the translation found are
carried out once the stream ends (an edit to make by hand first, as the one automatic follow-up
of the user's line; then reads; then the export, unless the user said not to export yet). Tool
calls show as a short status line. Keep-alives are watched: a notice every
`keepalive_notice_s` without text, a timeout after `keepalive_timeout_s` of keep-alives alone,
and `turn_limit_s` in all. A stream that ends without text is followed by a state read and the
timeline's changes. A dropped stream is never sent again: the state is read on the recovery
cadence instead. Cancelling the task that iterates a turn closes the stream and sends nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from vidskill import errors
from vidskill.client import Event, KeepAlive, StreamError, Text, ToolCall
from vidskill.engine import export, reads
from vidskill.engine.conversation import Conversation
from vidskill.engine.explain import refusal
from vidskill.engine.outputs import Notice, Output, Said, Status
from vidskill.engine.settings import Settings
from vidskill.engine.watch import changes_since, recover
from vidskill.translators import Action, translate


@dataclass
class _Heard:
    """What a turn's stream said: text shown, actions found, and whether the run failed."""

    spoke: bool = False
    actions: list[Action] = field(default_factory=list)

    def add(self, actions: tuple[Action, ...]) -> None:
        known = {(a.kind, a.detail) for a in self.actions}
        self.actions += [a for a in actions if (a.kind, a.detail) not in known]


class _Watch:
    """The turn's clock: when to say "still working", and when to stop waiting."""

    def __init__(self, settings: Settings, clock: Callable[[], float]) -> None:
        self._settings = settings
        self._clock = clock
        self.start = self.active = self.spoke = clock()

    def remaining(self) -> float:
        """Seconds until the turn limit or the keep-alive timeout, whichever comes first."""
        limit = min(
            self.start + self._settings.turn_limit_s,
            self.active + self._settings.keepalive_timeout_s,
        )
        return limit - self._clock()

    def heard(self, *, text: bool) -> None:
        """Something other than a keep-alive arrived."""
        self.active = self._clock()
        if text:
            self.spoke = self.active

    def notice_due(self) -> bool:
        """True (once per period) when no text came for `keepalive_notice_s`."""
        now = self._clock()
        if now - self.spoke < self._settings.keepalive_notice_s:
            return False
        self.spoke = now
        return True


async def turn(
    conv: Conversation, text: str, *, allow_export: bool, follow_up: bool = False
) -> AsyncIterator[Output]:
    """Send `text` once as a chat turn and show what comes of it."""
    session_id = await conv.session()
    await conv.read_state()
    before = conv.raw_draft
    heard = _Heard()
    try:
        async for output in _stream(conv, session_id, text, heard):
            yield output
    except errors.StreamDroppedError:
        yield Notice(conv.say("stream_dropped"))
        async for output in recover(conv, before):
            yield output
        return
    except errors.StreamTimeoutError as exc:
        yield conv.explain(exc)
        yield await changes_since(conv, before, "timeout_changes", "timeout_nothing")
        return
    if heard.spoke:
        await conv.read_state()
    else:
        yield await changes_since(conv, before, "silent_changes", "silent_nothing")
    async for output in _carry_out(conv, heard.actions, allow_export, follow_up):
        yield output


async def _stream(
    conv: Conversation, session_id: str, text: str, heard: _Heard
) -> AsyncIterator[Output]:
    watch = _Watch(conv.settings, conv.clock)
    async with contextlib.aclosing(conv.api.chat_stream(session_id, text)) as events:
        while True:
            remaining = watch.remaining()
            if remaining <= 0:
                raise _timeout(conv)
            try:
                async with asyncio.timeout(remaining):
                    event = await anext(events)
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise _timeout(conv) from None
            output = _show(conv, event, heard, watch)
            if output is not None:
                yield output


def _timeout(conv: Conversation) -> errors.StreamTimeoutError:
    url = conv.api.shown_url
    return errors.StreamTimeoutError(f"The chat turn at {url} ran out of time.", url=url)


def _show(conv: Conversation, event: Event, heard: _Heard, watch: _Watch) -> Output | None:
    """The output for one event (None for what stays internal)."""
    if isinstance(event, KeepAlive):
        return Notice(conv.say("still_working")) if watch.notice_due() else None
    watch.heard(text=isinstance(event, Text | StreamError))
    if isinstance(event, Text) and not event.partial:
        translation = translate(event.text)
        heard.add(translation.actions)
        if not translation.text.strip():
            return None
        heard.spoke = True
        return Said(translation.text, event.text)
    if isinstance(event, ToolCall):
        return Status(conv.say("tool_running", name=event.name))
    if isinstance(event, StreamError):
        heard.spoke = True
        return refusal("run_failed", conv.lang, exit_code=3, reason=event.message)
    # Tool results stay internal; a partial text is repeated by a full event; unknown payloads
    # are not for the user.
    return None


async def _carry_out(
    conv: Conversation, actions: list[Action], allow_export: bool, follow_up: bool
) -> AsyncIterator[Output]:
    """Do what the backend's GUI instructions asked: the edit first, the export last."""
    edits = [a.detail for a in actions if a.kind == "send_edit" and a.detail]
    if edits and not follow_up and not conv.log.followed_up:
        conv.log.followed_up = True
        message = _join(edits, conv.lang)
        conv.log.actions.append(f"send_edit: {message}")
        yield Status(conv.say("sending_edit", edit=message))
        async for output in turn(conv, message, allow_export=allow_export, follow_up=True):
            yield output
    for action in actions:
        async for output in _read(conv, action):
            yield output
    if any(a.kind == "export" for a in actions) and not conv.log.export_settled:
        if allow_export:
            async for output in export.run(conv):
                yield output
        else:
            conv.log.export_settled = True
            yield Notice(conv.say("export_held"))


async def _read(conv: Conversation, action: Action) -> AsyncIterator[Output]:
    kind = action.kind
    if kind in ("show_state", "show_timeline", "show_credits"):
        conv.log.actions.append(kind)
    if kind == "show_state":
        async for output in reads.state(conv):
            yield output
    elif kind == "show_timeline":
        async for output in reads.timeline(conv):
            yield output
    elif kind == "show_credits":
        async for output in reads.credits(conv):
            yield output
    elif kind == "call_endpoint":
        yield Notice(conv.say("upload_hint"))


def _join(edits: list[str], lang: str) -> str:
    unique = list(dict.fromkeys(edits))
    return ("；" if lang.startswith("zh") else "; ").join(unique)
