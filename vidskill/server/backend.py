"""The running backend's parts, opened at start-up and closed at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
import httpx

from vidskill.server.auth import Accounts
from vidskill.server.config import ServerConfig, check_quirks
from vidskill.server.renders import Renders
from vidskill.server.storage import remove_partials
from vidskill.server.store import Database
from vidskill.server.toolbox import PARTIAL_WAV
from vidskill.server.turns import RunTurn, TurnRunner, release_interrupted

log = logging.getLogger("vidskill.server")


def sweep_partials(media_dir: Path, listed: Collection[str] = ()) -> int:
    """Delete what a killed server left in session folders; count the files removed.

    Half-written files, and (when `listed` names every asset path) files stored but never
    recorded: a kill between writing an upload and committing its row leaves one. Session
    folders hold nothing but asset files, and nothing is being written before start-up ends.
    """
    if not media_dir.is_dir():
        return 0
    removed = 0
    # Paths stored relative to another working folder cannot be matched: then sweep only partials.
    known = {os.path.realpath(p) for p in listed} if all(map(os.path.isabs, listed)) else set()
    for folder in media_dir.iterdir():
        if not folder.is_dir():
            continue
        removed += remove_partials(folder)
        for leftover in folder.iterdir():
            partial = leftover.name.endswith(PARTIAL_WAV)
            unlisted = bool(known) and os.path.realpath(leftover) not in known
            if leftover.is_file() and (partial or unlisted):
                leftover.unlink(missing_ok=True)
                removed += 1
    return removed


def _asset_paths(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT path FROM assets")]


@dataclass
class Backend:
    """Everything a request handler needs: settings, clock, database and the job runners."""

    config: ServerConfig
    clock: Callable[[], float]
    db: Database
    accounts: Accounts
    turns: TurnRunner
    renders: Renders
    http: httpx.AsyncClient
    _sync_task: asyncio.Task[None] | None = None

    @classmethod
    def open(
        cls, config: ServerConfig, clock: Callable[[], float], run_turn: RunTurn | None = None
    ) -> Backend:
        """Open the data folder and database and register the configured named tokens."""
        check_quirks(config.quirks)
        config.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(config.db_path)
        accounts = Accounts(db, config, clock)
        accounts.register_named_tokens()
        timeout = httpx.Timeout(30.0, connect=10.0)
        http = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        return cls(
            config,
            clock,
            db,
            accounts,
            TurnRunner(db, config, clock, run_turn),
            Renders(db, config, clock),
            http,
        )

    async def start(self) -> None:
        """Repair what a dead server left behind, then start tracking renders."""
        listed = await self.db.read(_asset_paths)
        swept = await anyio.to_thread.run_sync(sweep_partials, self.config.media_dir, listed)
        if swept:
            log.warning("after a restart: %d unfinished or unrecorded media files removed", swept)
        released = await self.db.write(release_interrupted, self.clock())
        resumed = await self.renders.recover()
        if released or resumed:
            log.warning(
                "after a restart: %d turns released, %d renders queued again", released, resumed
            )
        self._sync_task = asyncio.create_task(self.renders.sync_forever())

    async def stop(self) -> None:
        """Finish or cancel running work and close everything."""
        if self._sync_task is not None:
            self._sync_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sync_task
        await self.turns.close()
        await self.http.aclose()
        await anyio.to_thread.run_sync(self.renders.close)
        self.db.close()
