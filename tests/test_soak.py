"""Soak: many load clients on one `vidskill serve` for a while, then the crash tests' end checks.

`make soak` runs 50 clients for VIDSKILL_SOAK_SECONDS (default 600); the normal suite runs a
10-second version of the same test.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from reliability import (
    Acked,
    Served,
    after_restart_problems,
    files_with_secrets,
    integrity,
)
from reliability_load import drive, unsettled_renders
from servers import TOKENS

SOAK_CLIENTS = 50


async def _soak(tmp_path: Path, clients: int, seconds: float) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    acked, stop = Acked(), asyncio.Event()
    with Served.start(data, log) as srv:
        ids = [f"soak-client-{i}" for i in range(clients)]
        load = asyncio.create_task(drive(srv.url, ids, acked, stop, seed=11))
        await asyncio.sleep(seconds)
        stop.set()
        calls = await asyncio.wait_for(load, 300)
        settle_s = max(300.0, seconds)
        stuck = await asyncio.to_thread(unsettled_renders, srv.url, acked, settle_s)
    assert stuck == []
    assert integrity(data / "vidskill.sqlite3") == "ok"
    assert after_restart_problems(data, acked) == []
    assert acked.server_errors == []
    assert "Traceback" not in log.read_text(errors="replace")
    assert files_with_secrets([data, log], [*acked.tokens.values(), *TOKENS.values()]) == []
    assert len(acked.sessions) == clients and acked.assets and acked.drafts
    print(f"soak: {clients} clients, {seconds:.0f} s, {calls} calls, {acked.summary()}")


async def test_mini_soak(tmp_path: Path) -> None:
    await _soak(tmp_path, clients=SOAK_CLIENTS, seconds=10.0)


@pytest.mark.soak
@pytest.mark.timeout(0)
async def test_soak(tmp_path: Path) -> None:
    seconds = float(os.environ.get("VIDSKILL_SOAK_SECONDS", "600"))
    await _soak(tmp_path, clients=SOAK_CLIENTS, seconds=seconds)
