"""The state one conversation's handlers share: backend, skill, session, language and last reads.

Handlers (chat, upload, export, reads, slash commands) are functions of a `Conversation`; the
`Engine` owns one and routes lines to them. The session is created lazily, in the language of
the user's first words, and remembered per (skill, backend) so the next command continues it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vidskill import messages
from vidskill.client import ApiClient, Credits, SessionState
from vidskill.engine.explain import explain
from vidskill.engine.outputs import ErrorShown
from vidskill.engine.session import Remembered, SessionMemory
from vidskill.engine.settings import Settings
from vidskill.skill import Skill
from vidskill.timeline import Draft, parse_draft

ApiFactory = Callable[[Skill], ApiClient]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class LineLog:
    """What happened while one user line was handled (for the record and the one-line rules)."""

    actions: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    export_settled: bool = False  # an export already ran, or was held back, for this line
    followed_up: bool = False  # the one automatic follow-up was already sent


class Conversation:
    """One conversation with one backend, shared by every handler."""

    def __init__(
        self,
        *,
        api: ApiClient,
        skill: Skill,
        sessions: SessionMemory,
        settings: Settings,
        backend_key: str,
        lang: str | None = None,
        api_factory: ApiFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.api = api
        self.skill = skill
        self.sessions = sessions
        self.settings = settings
        self.backend_key = backend_key
        self.api_factory = api_factory
        self.clock = clock
        self.sleep = sleep
        self.lang = messages.normalize(lang or skill.language or "en")
        self.lang_fixed = lang is not None
        self.session_id: str | None = None
        self.credits: Credits | None = None
        self.raw_draft: Mapping[str, Any] | None = None
        self.draft: Draft | None = None
        self.log = LineLog()

    def say(self, key: str, /, **fmt: object) -> str:
        """A runtime message in the user's language."""
        return messages.text(key, self.lang, **fmt)

    def explain(self, exc: BaseException) -> ErrorShown:
        """An error as the user reads it."""
        return explain(exc, skill=self.skill, lang=self.lang, url=self.api.shown_url)

    def restore(self) -> Remembered | None:
        """Continue the session remembered for this skill and backend, if there is one."""
        found = self.sessions.recall(self.skill.name, self.backend_key)
        if found is not None:
            self.session_id = found.session_id
            if found.lang and not self.lang_fixed:
                self.lang = messages.normalize(found.lang)
        return found

    async def session(self) -> str:
        """The session id, creating (and remembering) a session in the user's language."""
        if self.session_id is None:
            created = await self.api.create_session(self.lang)
            self.session_id = created.session_id
            self.raw_draft, self.draft = None, None
            self.remember()
        return self.session_id

    def remember(self) -> None:
        """Remember the current session and its language for this skill and backend."""
        if self.session_id is not None:
            self.sessions.remember(self.skill.name, self.backend_key, self.session_id, self.lang)

    def drop_session(self) -> None:
        """Forget the session: the next line that needs one starts a fresh timeline."""
        self.sessions.forget(self.skill.name, self.backend_key)
        self.session_id = None
        self.raw_draft, self.draft = None, None

    def switch_skill(self, skill: Skill) -> None:
        """Use another skill (with its own headers) and its remembered session, if any."""
        if self.api_factory is None:
            raise RuntimeError("switching skills needs an api_factory")
        self.api = self.api_factory(skill)
        self.skill = skill
        self.session_id = None
        self.raw_draft, self.draft = None, None
        self.restore()

    async def read_state(self) -> SessionState | None:
        """The session's latest state (None without a session); keeps the draft it holds."""
        if self.session_id is None:
            return None
        state = await self.api.state(self.session_id)
        self.raw_draft = state.draft
        self.draft = parse_draft(state.draft) if state.draft is not None else None
        return state

    async def read_credits(self) -> Credits:
        """The credit balance, kept for the toolbar."""
        self.credits = await self.api.credits()
        return self.credits
