"""Support for the reliability tests: `vidskill serve` as a process, checks of what it left behind.

    with Served.start(tmp_path / "data", tmp_path / "server.log") as srv:
        srv.rss()              # (VmRSS, VmHWM) of the server process, in bytes
        ...                    # load from reliability_load.drive
        srv.kill()             # SIGKILL the server and its render workers
    integrity(db), ledger_problems(db), asset_problems(data_dir), acked.lost(db)

The server runs in its own process group, so a kill takes its render worker processes with it,
as a power cut would. Load clients (reliability_load) record what the server acknowledged in
`Acked`, so the checks can tell lost work from work that was never promised.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from conftest import ROOT
from servers import SKILL_HEADERS, TOKENS

from vidskill.server.media import probe

START_S = 60.0
TINY_DRAFT: dict[str, Any] = {
    "d": 500,
    "m": {"title": "Tiny", "width": 1920, "height": 1080, "fps": 30},
    "t": [
        {
            "id": "v1",
            "tt": 0,
            "m": {"name": "Video"},
            "sg": [{"id": "v1s1", "s": 0, "d": 500, "m": {"kind": "color", "color": "#336699"}}],
        }
    ],
}


def token_flags() -> list[str]:
    """The `--token` options that register the test's named tokens."""
    return [arg for name, token in TOKENS.items() for arg in ("--token", f"{name}={token}")]


def auth(token: str) -> dict[str, str]:
    """Bearer and attribution headers for a token (a name of `TOKENS` or a token)."""
    return {**SKILL_HEADERS, "Authorization": f"Bearer {TOKENS.get(token, token)}"}


@dataclass
class Served:
    """A `vidskill serve` process on 127.0.0.1 and a free port; its output goes to `log`."""

    proc: subprocess.Popen[bytes]
    url: str
    data_dir: Path
    log: Path

    @classmethod
    def start(
        cls, data_dir: Path, log: Path, *args: str, env: dict[str, str] | None = None
    ) -> Served:
        """Start the server and wait until it answers its health check."""
        offset = log.stat().st_size if log.exists() else 0
        command = [sys.executable, "-m", "vidskill", "serve", "--port", "0", "--data"]
        command += [str(data_dir), "--log-level", "warning", *token_flags(), *args]
        with log.open("ab") as sink:
            proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, "VIDSKILL_SILENT_SHARE": "0", **(env or {})},
                stdout=sink,
                stderr=sink,
                start_new_session=True,
            )
        served = cls(proc, "", data_dir, log)
        served.url = served._wait_for_url(offset)
        return served

    def _wait_for_url(self, offset: int) -> str:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.log.read_text()[-2000:]}")
            text = self.log.read_bytes()[offset:].decode("utf-8", "replace")
            for line in text.splitlines():
                if line.startswith("vidskill local backend on ") and self._healthy(line.split()[4]):
                    return line.split()[4]
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("the server did not start in time")

    @staticmethod
    def _healthy(url: str) -> bool:
        try:
            return httpx.get(f"{url}/api/health", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def rss(self) -> tuple[int, int]:
        """The server process's resident memory now and at its peak, in bytes."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return _kib(values["VmRSS"]), _kib(values["VmHWM"])

    def kill(self) -> None:
        """SIGKILL the server's whole process group (render workers included)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Ask the server to stop as Ctrl-C does; kill it if it does not."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # worker processes left in the group

    def __enter__(self) -> Served:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _kib(value: str) -> int:
    return int(value.strip().split()[0]) * 1024


def query(db_path: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows of a query on a database no server has open (a crashed one is recovered here)."""
    with closing(sqlite3.connect(db_path, timeout=30)) as conn:
        return [tuple(row) for row in conn.execute(sql, args).fetchall()]


def ledger_problems(db_path: Path) -> list[str]:
    """Users whose credits do not balance: granted = available + frozen + spent, ledger agrees."""
    problems = []
    rows = query(db_path, "SELECT user_id, available, frozen, spent, granted FROM credits")
    for user_id, available, frozen, spent, granted in rows:
        sums = dict(
            query(
                db_path,
                "SELECT kind, SUM(amount) FROM ledger WHERE user_id = ? GROUP BY kind",
                user_id,
            )
        )
        grant, freeze, settle, release = (
            sums.get(k, 0) for k in ("grant", "freeze", "settle", "release")
        )
        if granted != available + frozen + spent or min(available, frozen, spent) < 0:
            problems.append(f"{user_id}: {granted} != {available} + {frozen} + {spent}")
        by_ledger = (grant, grant - freeze + release, freeze - settle - release, settle)
        if by_ledger != (granted, available, frozen, spent):
            problems.append(f"{user_id}: ledger rows {sums} disagree with the balance row")
    return problems


def asset_problems(data_dir: Path) -> list[str]:
    """Listed assets whose file is missing or does not decode, and half-written files left over."""
    problems = []
    rows = query(data_dir / "vidskill.sqlite3", "SELECT asset_id, path, file_type FROM assets")
    for asset_id, path, file_type in rows:
        try:
            probe(Path(path), file_type)
        except (OSError, ValueError) as exc:
            problems.append(f"asset {asset_id} at {path}: {exc}")
    media = data_dir / "media"
    problems += [f"half-written file {p}" for p in media.rglob("*.part")] if media.exists() else []
    return problems


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


def integrity(db_path: Path) -> str:
    """What `PRAGMA integrity_check` says ("ok" for a sound file)."""
    return "; ".join(str(row[0]) for row in query(db_path, "PRAGMA integrity_check"))


def files_with_secrets(folders: Iterable[Path], secrets: Iterable[str]) -> list[str]:
    """Every file under `folders` holding one of `secrets` in clear, as 'path: secret-name'."""
    needles = [s.encode() for s in secrets if s]
    found = []
    for folder in folders:
        for path in [folder] if folder.is_file() else sorted(folder.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                found += [f"{path}: secret #{i}" for i, n in enumerate(needles) if n in data]
    return found


def png_bytes(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small PNG whose colour depends on `seed`."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (seed * 37 % 256, seed * 91 % 256, 120)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class Acked:
    """What the server acknowledged with a 200: the tests check none of it is ever lost."""

    tokens: dict[str, str] = field(default_factory=dict)  # client id -> token
    sessions: dict[str, str] = field(default_factory=dict)  # session id -> client id
    assets: dict[str, str] = field(default_factory=dict)  # asset id -> session id
    drafts: list[tuple[str, str]] = field(default_factory=list)  # (session id, draft JSON)
    renders: dict[str, str] = field(default_factory=dict)  # render id -> client id
    server_errors: list[str] = field(default_factory=list)  # any 5xx answer

    def summary(self) -> str:
        """How much was acknowledged, for the figures a run prints."""
        return (
            f"{len(self.sessions)} sessions, {len(self.assets)} uploads, "
            f"{len(self.drafts)} drafts, {len(self.renders)} renders acknowledged"
        )

    def lost(self, db_path: Path) -> list[str]:
        """Acknowledged things the database no longer holds."""
        have_sessions = {r[0] for r in query(db_path, "SELECT session_id FROM sessions")}
        have_assets = dict(query(db_path, "SELECT asset_id, session_id FROM assets"))
        have_renders = {r[0] for r in query(db_path, "SELECT render_id FROM renders")}
        drafts = {(s, _canon(d)) for s, d in query(db_path, "SELECT session_id, draft FROM drafts")}
        lost = [f"session {s}" for s in self.sessions if s not in have_sessions]
        lost += [f"asset {a}" for a, s in self.assets.items() if have_assets.get(a) != s]
        lost += [f"draft of {s}" for s, d in self.drafts if (s, _canon(d)) not in drafts]
        lost += [f"render {r}" for r in self.renders if r not in have_renders]
        return lost


def _canon(text: str) -> str:
    return json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)
