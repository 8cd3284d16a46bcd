"""The running backend's parts, opened at start-up and closed at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
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


def sweep_partials(media_dir: Path) -> None:
    """Delete the half-written files a killed server left in session folders."""
    if not media_dir.is_dir():
        return
    for folder in media_dir.iterdir():
        if folder.is_dir():
            remove_partials(folder)
            for leftover in folder.glob(f"*{PARTIAL_WAV}"):
                leftover.unlink(missing_ok=True)


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
        await anyio.to_thread.run_sync(sweep_partials, self.config.media_dir)
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
