"""SIGKILL `vidskill serve` at seeded random moments under load, restart it, and lose nothing.

Each cycle: start the server on the same data folder, check what the previous kill left
(database integrity, acknowledged uploads, drafts and renders all there, credit ledger
balanced, no half-written file listed, no credits left frozen), drive load from several async
clients, then kill the whole server process group at a random moment. The last cycle ends with a
clean stop after every acknowledged render has finished or failed. The suite runs 5 cycles;
`make soak` runs VIDSKILL_SOAK_CYCLES (default 50).
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from reliability import (
    Acked,
    Served,
    after_restart_problems,
    asset_problems,
    files_with_secrets,
    integrity,
    ledger_problems,
    query,
)
from reliability_load import drive, unsettled_renders
from servers import TOKENS, live_server, ready_session

CYCLES = 5
CLIENTS = 6
SEED = 7


async def _load_then_kill(srv: Served, acked: Acked, rng: random.Random, cycle: int) -> int:
    stop = asyncio.Event()
    clients = [f"crash-client-{i}" for i in range(CLIENTS)]
    load = asyncio.create_task(drive(srv.url, clients, acked, stop, SEED + cycle))
    await asyncio.sleep(rng.uniform(0.5, 3.0))
    await asyncio.to_thread(srv.kill)
    stop.set()
    return await asyncio.wait_for(load, 60)


def _final_checks(data: Path, log: Path, acked: Acked) -> int:
    """The checks after the last clean stop; returns how many files no asset lists."""
    db = data / "vidskill.sqlite3"
    active = "SELECT COUNT(*) FROM renders WHERE status IN ('pending', 'processing')"
    assert query(db, active) == [(0,)]
    assert acked.server_errors == []
    assert "Traceback" not in log.read_text(errors="replace")
    assert files_with_secrets([data, log], [*acked.tokens.values(), *TOKENS.values()]) == []
    listed = {Path(p) for (p,) in query(db, "SELECT path FROM assets")}
    return len([p for p in (data / "media").rglob("*.*") if p not in listed])


async def crash_cycles(tmp_path: Path, cycles: int) -> None:
    """Kill and restart the server `cycles` times under load, checking the store each time."""
    data, log = tmp_path / "data", tmp_path / "server.log"
    acked, rng, calls = Acked(), random.Random(SEED), 0
    for cycle in range(cycles):
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
    unlisted = _final_checks(data, log, acked)
    assert calls > 0 and acked.assets and acked.drafts, (calls, len(acked.assets))
    print(f"crash: {cycles} kills, {calls} calls, {acked.summary()}, nothing lost;")
    print(f"  {unlisted} stored files unlisted (killed between writing and committing)")


async def test_killed_server_loses_nothing_acknowledged(tmp_path: Path) -> None:
    await crash_cycles(tmp_path, CYCLES)


@pytest.mark.soak
@pytest.mark.timeout(0)
async def test_many_kills(tmp_path: Path) -> None:
    await crash_cycles(tmp_path, int(os.environ.get("VIDSKILL_SOAK_CYCLES", "50")))


def test_the_store_checks_find_what_a_broken_store_shows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with live_server(data) as srv:
        session = ready_session(srv, tmp_path / "in")
        assert srv.chat(session, "create a product showcase video with music").status == 200
        assets = srv.state(session)["video_infos"]
    acked = Acked(sessions={session: "alice"}, assets={a["id"]: session for a in assets})
    acked.drafts.append((session, '{"d": 1, "t": [{"lost": true}]}'))
    db = data / "vidskill.sqlite3"
    assert ledger_problems(db) == [] and asset_problems(data) == []
    first = Path(query(db, "SELECT path FROM assets WHERE asset_id = ?", assets[0]["id"])[0][0])
    first.unlink()
    (first.parent / "cut.png.part").write_bytes(b"\x89PNG")
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE credits SET available = available + 1 WHERE user_id = 'user_alice'")
        conn.execute("DELETE FROM assets WHERE asset_id = ?", (assets[1]["id"],))
    assert acked.lost(db) == [f"asset {assets[1]['id']}", f"draft of {session}"]
    assert len(ledger_problems(db)) == 2
    assert [p.split(" ")[0] for p in asset_problems(data)] == ["asset", "half-written"]
