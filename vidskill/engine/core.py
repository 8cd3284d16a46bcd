"""The conversation engine: one user line in, typed outputs out, for every front end.

A line is routed (`router.route` with the real file system) and handed to its handler: chat
turn, upload, export, a read, or a slash command. Errors of the `vidskill.errors` tree end here
as one `ErrorShown` each (see `explain`); a session the backend no longer knows (1002) is
replaced once, the user is told the timeline starts fresh, and the line carries on. Each line
is reported to the optional recorder. A front end may cancel the task iterating `handle()` at
any await: the engine stops waiting, never resends the message and stays usable.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Literal

from vidskill import errors, messages
from vidskill.client import ApiClient, Credits
from vidskill.engine import chat, export, reads, slash, upload
from vidskill.engine.conversation import ApiFactory, Conversation, LineLog, Sleep
from vidskill.engine.outputs import ErrorShown, Notice, Output, Said, Status
from vidskill.engine.recorder import Recorder, TurnRecord
from vidskill.engine.session import SessionMemory
from vidskill.engine.settings import Settings
from vidskill.lang import unmistakable
from vidskill.router import Intent, Why, route
from vidskill.skill import Skill
from vidskill.timeline import Draft

Read = Literal["credits", "state", "timeline"]
RESUME_WORDS = frozenset({"resume", "--resume", "继续", "恢复"})
HELD = frozenset({"negated", "deferred"})
_CLAUSES = re.compile(r"[.!?;,。！？；，、\n]+")
_LETTERS = re.compile(r"[^\W\d_]")


def allows_export(intent: Intent) -> bool:
    """False when the user's words hold an export back ("don't export yet", "先别导出")."""
    clauses = [route(part) for part in _CLAUSES.split(intent.text) if part.strip()]
    return not any(
        found.why.rule in HELD and route(found.why.keyword).kind == "export"
        for found in (intent, *clauses)
    )


class Engine:
    """One conversation with a backend, shared by the REPL, the one-shot commands and replay."""

    def __init__(
        self,
        *,
        api: ApiClient,
        skill: Skill,
        sessions: SessionMemory,
        settings: Settings,
        lang: str | None = None,
        recorder: Recorder | None = None,
        backend_label: str = "",
        backend_key: str | None = None,
        api_factory: ApiFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._conv = Conversation(
            api=api,
            skill=skill,
            sessions=sessions,
            settings=settings,
            backend_key=backend_key or api.shown_url,
            lang=lang,
            api_factory=api_factory,
            clock=clock,
            sleep=sleep,
        )
        self.recorder = recorder
        self.backend_label = backend_label or api.shown_url
        self.last_intent: Intent | None = None
        self._lang_adopted = lang is not None

    @property
    def skill(self) -> Skill:
        """The skill in use."""
        return self._conv.skill

    @property
    def lang(self) -> str:
        """The user's language: set by /lang, else the first words, else the skill's, else en."""
        return self._conv.lang

    @lang.setter
    def lang(self, value: str) -> None:
        self._conv.lang, self._conv.lang_fixed = messages.normalize(value), True
        self._lang_adopted = True

    @property
    def session_id(self) -> str | None:
        """The backend session, once there is one."""
        return self._conv.session_id

    @property
    def credits(self) -> Credits | None:
        """The last known credit balance."""
        return self._conv.credits

    @property
    def draft(self) -> Draft | None:
        """The draft as last read from the state."""
        return self._conv.draft

    def timeline_summary(self) -> str | None:
        """The last read timeline's summary, or None before any read."""
        return reads.timeline_summary(self._conv) if self._conv.draft is not None else None

    def explain(self, exc: BaseException) -> ErrorShown:
        """An error raised outside `handle()` (connecting, a front end's own) as user text."""
        return self._conv.explain(exc)

    def restore(self) -> bool:
        """Continue the session remembered for this skill and backend; True if there was one."""
        return self._conv.restore() is not None

    async def start(self, *, resume: bool) -> AsyncIterator[Output]:
        """Connect ("Connecting..." then ready), resuming the remembered session if asked."""
        conv = self._conv
        yield Status(conv.say("connecting"))
        if resume and self.restore():
            yield Notice(conv.say("resumed"))
        try:
            await conv.read_credits()
        except errors.VidskillError as exc:
            yield conv.explain(exc)
            return
        if conv.sessions.pending(conv.skill.name, conv.backend_key) is not None:
            yield Notice(conv.say("pending_offer"))
        yield Status(conv.say("ready"))

    async def handle(self, utterance: str) -> AsyncIterator[Output]:
        """One user line, routed and carried out; slash commands included."""
        intent = route(utterance, exists=os.path.exists, home=os.path.expanduser("~"))
        async for output in self._line(utterance, intent):
            yield output

    async def upload(self, paths: Sequence[str], text: str = "") -> AsyncIterator[Output]:
        """Upload files and URLs, then send `text` (if any) as the next line."""
        urls = tuple(p for p in paths if p.startswith(("http://", "https://")))
        files = tuple(p for p in paths if p not in urls)
        why = Why("command", note="upload command")
        intent = Intent("upload", text, files=files, urls=urls, command="upload", why=why)
        async for output in self._line(" ".join([*paths, text]).strip(), intent):
            yield output

    async def export(self, dest: str | None = None, quality: str = "high") -> AsyncIterator[Output]:
        """Export the current draft to `dest` or `./<title or session>.mp4` ("preview": 540p)."""
        intent = Intent("export", "", command="export", args=dest or "", why=Why("command"))

        def work() -> AsyncIterator[Output]:
            return export.run(self._conv, dest, quality)

        async for output in self._line("/export", intent, work):
            yield output

    async def resume_export(self, dest: str | None = None) -> AsyncIterator[Output]:
        """Finish the render an interrupted export left behind."""
        intent = Intent("export", "", command="export", args="resume", why=Why("command"))
        async for output in self._line(
            "/export resume", intent, lambda: export.resume(self._conv, dest)
        ):
            yield output

    async def read(self, kind: Read) -> AsyncIterator[Output]:
        """Show the credits, the state or the timeline."""
        intent = Intent("command" if kind == "timeline" else kind, "", command=kind)
        async for output in self._line(f"/{kind}", intent):
            yield output

    async def aclose(self) -> None:
        """Release what the engine holds (the HTTP client belongs to whoever made it)."""
        self.recorder = None

    async def _line(
        self,
        utterance: str,
        intent: Intent,
        work: Callable[[], AsyncIterator[Output]] | None = None,
    ) -> AsyncIterator[Output]:
        last = self.last_intent
        if intent.command != "why":
            self.last_intent = intent
        self._adopt_lang(intent)
        conv = self._conv
        conv.log = LineLog()
        before = conv.credits.available if conv.credits else None
        shown: list[Output] = []
        make = work or (lambda: self._dispatch(intent, last))
        try:
            async for output in self._guarded(make):
                shown.append(output)
                yield output
        finally:
            self._record(utterance, intent, shown, before)

    async def _guarded(self, make: Callable[[], AsyncIterator[Output]]) -> AsyncIterator[Output]:
        conv = self._conv
        replaced = False
        while True:
            try:
                async for output in make():
                    yield output
                return
            except errors.SessionNotFoundError as exc:
                if replaced or conv.session_id is None:
                    yield conv.explain(exc)
                    return
                replaced = True
                conv.drop_session()
                yield Notice(conv.say("session_lost"))
            except (errors.VidskillError, OSError) as exc:
                # OSError: a local file could not be read or written (permissions, disk full).
                yield conv.explain(exc)
                return

    def _dispatch(self, intent: Intent, last: Intent | None) -> AsyncIterator[Output]:
        conv = self._conv
        if intent.kind == "export":
            args = intent.args.strip() if intent.command else ""
            if args.lower() in RESUME_WORDS:
                return export.resume(conv)
            return export.run(conv, args or None)
        if intent.kind == "credits":
            return reads.credits(conv)
        if intent.kind == "state":
            return reads.state(conv)
        if intent.kind == "upload":
            return self._upload(intent)
        if intent.kind == "command":
            return slash.run(conv, intent, last)
        return self._chat(intent)

    async def _chat(self, intent: Intent) -> AsyncIterator[Output]:
        if not intent.text.strip():
            return
        async for output in chat.turn(self._conv, intent.text, allow_export=allows_export(intent)):
            yield output
        await self._conv.read_credits()

    async def _upload(self, intent: Intent) -> AsyncIterator[Output]:
        async for output in upload.run(self._conv, intent.files, intent.urls):
            yield output
        rest = intent.text.strip()
        if not rest:
            return
        follow = route(rest)
        if follow.kind in ("upload", "command"):
            follow = Intent("chat", rest, why=follow.why)
        async for output in self._dispatch(follow, None):
            yield output

    def _adopt_lang(self, intent: Intent) -> None:
        if intent.kind == "command" or not _LETTERS.search(intent.text) or self._conv.lang_fixed:
            return
        if not self._lang_adopted:
            self._conv.lang = messages.normalize(intent.lang)
            self._lang_adopted = True
            return
        # Later lines switch vidskill's own messages only when their script is unmistakable,
        # so a lone "export" typed by a Chinese user does not flip the conversation to English.
        switched = unmistakable(intent.text)
        if switched is not None:
            self._conv.lang = switched

    def _record(
        self, utterance: str, intent: Intent, outputs: list[Output], before: float | None
    ) -> None:
        if self.recorder is None:
            return
        conv = self._conv
        said = [o for o in outputs if isinstance(o, Said)]
        self.recorder.record(
            TurnRecord(
                utterance=utterance,
                attachments=intent.files + intent.urls,
                intent=intent.to_json(),
                actions=tuple(conv.log.actions),
                shown="\n".join(s.text for s in said),
                original="\n".join(s.original for s in said),
                timeline=self.timeline_summary(),
                draft=conv.raw_draft,
                credits_before=before,
                credits_after=conv.credits.available if conv.credits else None,
                files=tuple(conv.log.files),
                session_id=conv.session_id,
                lang=conv.lang,
                outputs=tuple(outputs),
            )
        )
