"""Running one chat turn: credits held, the agent in a worker thread, ADK events streamed.

A turn runs as its own task, apart from the HTTP response: a client that drops the stream (or
a stream cut by the drop quirk) does not stop the turn, so what the turn did is committed and
the client finds it in the state. Credits are frozen before the stream starts, settled with the
commit, released if the agent fails, and released on the next start if the server died.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import anyio.to_thread

from vidskill.server import adk, agent, envelope
from vidskill.server import store_accounts as acc
from vidskill.server import store_sessions as ss
from vidskill.server.config import ServerConfig
from vidskill.server.store import Database
from vidskill.server.streams import EventQueue, EventStream
from vidskill.server.toolbox import SessionToolbox

log = logging.getLogger("vidskill.server")
FAILED_TEXT = "The turn failed on the server and changed nothing; no credits were charged."


@dataclass(frozen=True)
class Turn:
    """A turn that has been accepted: its cost is frozen and it is recorded as running."""

    user_id: str
    session: ss.SessionRow
    message: str
    turn_id: int
    number: int
    invocation_id: str
    cost: int


def agent_asset(row: ss.AssetRow) -> agent.AgentAsset:
    """The agent's view of a session file."""
    file_type = cast(Any, row.file_type)  # the store only holds the four agent file types
    return agent.AgentAsset(
        id=row.asset_id,
        filename=row.filename,
        file_type=file_type,
        width=row.width,
        height=row.height,
        duration=row.duration,
        text=row.text,
    )


def _snapshot(
    conn: sqlite3.Connection, session_id: str
) -> tuple[dict[str, Any] | None, tuple[agent.AgentAsset, ...]]:
    latest = ss.latest_draft(conn, session_id)
    assets = tuple(agent_asset(a) for a in ss.session_assets(conn, session_id))
    return (None if latest is None else latest[1]), assets


def release_interrupted(conn: sqlite3.Connection, now: float) -> int:
    """Fail the turns a dead server left running and give their credits back."""
    running = ss.running_turns(conn)
    for turn_id, user_id, cost in running:
        if cost:
            acc.release(conn, user_id, cost, f"turn:{turn_id}", now)
        ss.finish_turn(conn, turn_id, "failed", now, "interrupted by a server restart")
    return len(running)


RunTurn = Callable[["agent.TurnInput", "agent.Toolbox"], "agent.TurnResult"]


class TurnRunner:
    """Accepts turns, runs them as tasks and streams their events."""

    def __init__(
        self,
        db: Database,
        config: ServerConfig,
        clock: Callable[[], float],
        run_turn: RunTurn | None = None,
    ) -> None:
        self.db = db
        self.config = config
        self.clock = clock
        self.run_turn = run_turn  # None: the rule-based agent
        self._tasks: set[asyncio.Task[None]] = set()

    async def begin(self, user: acc.User, session: ss.SessionRow, message: str) -> Turn:
        """Freeze the turn's cost and record it as running (2001 when credits are short)."""
        return await self.db.write(self._begin, user.user_id, session, message, self.clock())

    def _begin(
        self,
        conn: sqlite3.Connection,
        user_id: str,
        session: ss.SessionRow,
        message: str,
        now: float,
    ) -> Turn:
        invocation = f"e-{uuid.uuid4()}"
        cost = self.config.turn_cost
        turn_id, number = ss.start_turn(conn, session.session_id, message, invocation, cost, now)
        if cost and not acc.freeze(conn, user_id, cost, f"turn:{turn_id}", now):
            raise envelope.no_credits(user_id, acc.balance(conn, user_id).available)
        return Turn(user_id, session, message, turn_id, number, invocation, cost)

    def stream(self, turn: Turn) -> EventStream:
        """Start the turn and return the ASGI response that streams its events."""
        events = EventQueue()
        task = asyncio.create_task(self._run(turn, events))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        quirks = self.config.quirks
        return EventStream(events, heartbeat_s=quirks.heartbeat_s, drop_after=quirks.drop_after)

    async def _run(self, turn: Turn, events: EventQueue) -> None:
        try:
            await self._execute(turn, events)
        except Exception as exc:
            log.error("turn %s failed", turn.invocation_id, exc_info=exc)
            await self.db.write(self._fail, turn, type(exc).__name__, self.clock())
            events.put(adk.sse(adk.error(FAILED_TEXT)))
        finally:
            events.close()

    async def _execute(self, turn: Turn, events: EventQueue) -> None:
        draft, assets = await self.db.read(_snapshot, turn.session.session_id)
        task = agent.TurnInput(
            message=turn.message, language=turn.session.language, draft=draft, assets=assets
        )
        media = self.config.session_media(turn.session.session_id)
        toolbox = SessionToolbox(self.db, media, turn.session.session_id, self.clock)
        result = await anyio.to_thread.run_sync(self.run_turn or agent.run_turn, task, toolbox)
        for call in result.calls:
            await self._emit_call(turn, call, events)
        await self.db.write(self._commit, turn, result.draft, self.clock())
        reply = self.shape_reply(turn, result)
        if reply is not None:
            events.put(adk.sse(adk.text(turn.invocation_id, reply, self.clock())))

    async def _emit_call(self, turn: Turn, call: agent.ToolCall, events: EventQueue) -> None:
        call_id = adk.new_call_id()
        args: dict[str, Any] = dict(call.args)
        events.put(
            adk.sse(adk.function_call(turn.invocation_id, call_id, call.name, args, self.clock()))
        )
        if self.config.quirks.slow_tools_s:
            await asyncio.sleep(self.config.quirks.slow_tools_s)
        response: dict[str, Any] = dict(call.response)
        events.put(
            adk.sse(
                adk.function_response(
                    turn.invocation_id, call_id, call.name, response, self.clock()
                )
            )
        )

    def shape_reply(self, turn: Turn, result: agent.TurnResult) -> str | None:
        """The reply after the quirks: None for a silent edit, else maybe GUI-speak."""
        quirks = self.config.quirks
        rng = random.Random(f"{quirks.seed}:{turn.number}")
        silent = rng.random() < quirks.silent_share
        if result.edited and silent:
            return None
        if rng.random() < quirks.gui_speak:
            return agent.gui_speak(result.reply, turn.session.language, rng)
        return result.reply

    def _commit(
        self, conn: sqlite3.Connection, turn: Turn, draft: dict[str, Any] | None, now: float
    ) -> None:
        if draft is not None:
            ss.add_draft(conn, turn.session.session_id, draft, turn.turn_id, now)
        if turn.cost:
            acc.settle(conn, turn.user_id, turn.cost, f"turn:{turn.turn_id}", now)
        ss.finish_turn(conn, turn.turn_id, "ok", now)

    def _fail(self, conn: sqlite3.Connection, turn: Turn, error: str, now: float) -> None:
        if turn.cost:
            acc.release(conn, turn.user_id, turn.cost, f"turn:{turn.turn_id}", now)
        ss.finish_turn(conn, turn.turn_id, "failed", now, error)

    async def close(self, grace_s: float = 10.0) -> None:
        """Let running turns finish for a while, then cancel them (the next start releases)."""
        tasks = list(self._tasks)
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace_s)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
