"""SIGKILL `vidskill serve` at seeded random moments under load, restart it, and lose nothing.

Each cycle: start the server on the same data folder, check what the previous kill left
(database integrity, acknowledged uploads, drafts and renders all there, credit ledger
balanced, no half-written file listed, no credits left frozen), drive load from several async
clients, then kill the whole server process group at a random moment. The last cycle ends with a
clean stop after every acknowledged render has finished or failed.
"""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

from reliability import (
    Acked,
    Served,
    asset_problems,
    drive,
    files_with_secrets,
    integrity,
    ledger_problems,
    query,
    unsettled_renders,
)
from servers import TOKENS

CYCLES = int(os.environ.get("VIDSKILL_CRASH_CYCLES", "5"))
CLIENTS = 6
SEED = 7


def after_restart_problems(data_dir: Path, acked: Acked) -> list[str]:
    """Everything wrong with the store a killed server left, once a new one has started."""
    db = data_dir / "vidskill.sqlite3"
    problems = [f"lost {what}" for what in acked.lost(db)]
    problems += ledger_problems(db) + asset_problems(data_dir)
    frozen = query(db, "SELECT user_id, frozen FROM credits WHERE frozen != 0")
    problems += [f"{user} still has {held} credits frozen" for user, held in frozen]
    running = query(db, "SELECT turn_id FROM turns WHERE status = 'running'")
    problems += [f"turn {turn} still running after the restart" for (turn,) in running]
    return problems


async def _load_then_kill(srv: Served, acked: Acked, rng: random.Random, cycle: int) -> int:
    stop = asyncio.Event()
    clients = [f"crash-client-{i}" for i in range(CLIENTS)]
    load = asyncio.create_task(drive(srv.url, clients, acked, stop, SEED + cycle))
    await asyncio.sleep(rng.uniform(0.5, 3.0))
    await asyncio.to_thread(srv.kill)
    stop.set()
    return await asyncio.wait_for(load, 60)


async def test_killed_server_loses_nothing_acknowledged(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    acked, rng, calls = Acked(), random.Random(SEED), 0
    for cycle in range(CYCLES):
        srv = Served.start(data, log)
        try:
            assert after_restart_problems(data, acked) == [], f"after kill {cycle}"
            calls += await _load_then_kill(srv, acked, rng, cycle)
        finally:
            srv.stop()
        assert integrity(data / "vidskill.sqlite3") == "ok", f"after kill {cycle + 1}"
        assert ledger_problems(data / "vidskill.sqlite3") == []
    with Served.start(data, log) as srv:
        assert after_restart_problems(data, acked) == []
        assert unsettled_renders(srv.url, acked) == []
    assert query(
        data / "vidskill.sqlite3",
        "SELECT COUNT(*) FROM renders WHERE status IN ('pending', 'processing')",
    ) == [(0,)]
    assert acked.server_errors == []
    assert "Traceback" not in log.read_text(errors="replace")
    secrets = [*acked.tokens.values(), *TOKENS.values()]
    assert files_with_secrets([data, log], secrets) == []
    assert calls > 0 and acked.assets and acked.drafts, (calls, len(acked.assets))
    print(f"crash: {CYCLES} kills, {calls} calls, {acked.summary()}, nothing lost")
