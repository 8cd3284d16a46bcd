"""`vidskill serve` killed with SIGKILL during a turn, an upload and a render, then restarted
on the same port and data folder.

Each time: nothing is sent again by the client, nothing is charged twice (a turn cut by the
crash is released on start), the user reads one clear message naming the backend's URL or the
drop, and carries on once the backend is back (an interrupted export is finished by
`vidskill export --resume`).
"""

from __future__ import annotations

import asyncio
import os
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from conftest import ROOT
from faults import drive, engine_for, free_port, latest_draft, message_runs, query
from oneshot_support import Cli, Ran, probe
from servers import TEST_DEFAULTS, TOKENS, photos

from vidskill import messages
from vidskill.engine import ErrorShown, Notice, Output, Progress
from vidskill.timeline import parse_draft

CREATE = "create a 5-second product showcase video with background music and text overlays"
AGAIN = "make a 5-second product video with background music"
SKILL = ("--skill", "ai-product-video")


@dataclass
class ServeProcess:
    """`vidskill serve` in a subprocess on a fixed port and data folder; SIGKILL and restart."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        """The base URL (the same across restarts)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_path(self) -> Path:
        """The backend's database file."""
        return self.data_dir / "vidskill.sqlite3"

    def start(self) -> None:
        """Start the backend and wait until it answers."""
        quirks = {
            "VIDSKILL_SILENT_SHARE": str(TEST_DEFAULTS["silent_share"]),
            "VIDSKILL_GUI_SPEAK": str(TEST_DEFAULTS["gui_speak"]),
            "VIDSKILL_HEARTBEAT_S": "0.2",
        }
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("NEMO_", "VIDSKILL_"))}
        command = [sys.executable, "-m", "vidskill", "serve", "--port", str(self.port)]
        command += ["--data", str(self.data_dir), "--log-level", "warning"]
        command += [f"--token={name}={token}" for name, token in TOKENS.items()]
        env = {**keep, **quirks, **self.env, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self.starts += 1
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, self.proc.stderr.read() if self.proc.stderr else ""
            try:
                httpx.get(self.url + "/openapi.json", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "vidskill serve did not start"
                time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the backend, as a crash or a power cut would stop it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()
        self.proc = None

    def __enter__(self) -> ServeProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


def _errors(outputs: list[Output]) -> list[ErrorShown]:
    return [o for o in outputs if isinstance(o, ErrorShown)]


def _wait_for(srv: ServeProcess, sql: str, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while not query(srv.db_path, sql):
        assert time.monotonic() < deadline, f"never saw: {sql}"
        time.sleep(0.05)


@pytest.mark.timeout(180)
async def test_killed_during_a_turn(tmp_path: Path) -> None:
    slow = {"VIDSKILL_SLOW_TOOLS_S": "30"}
    with ServeProcess(tmp_path / "backend", env=slow) as srv:
        env = {"VIDSKILL_RECOVERY_MAX_READS": "60"}  # 12 s of reads: the restart fits
        async with engine_for(srv.url, lang="zh-CN", env=env) as driven:
            engine = driven.engine
            await drive(engine.upload([str(p) for p in photos(tmp_path / "in")]))
            before = await driven.api.credits()
            turn = asyncio.ensure_future(drive(engine.handle(CREATE)))
            await asyncio.to_thread(_wait_for, srv, "SELECT 1 FROM turns WHERE status='running'")
            srv.kill()
            srv.env = {}
            await asyncio.to_thread(srv.start)
            outputs = await asyncio.wait_for(turn, 120)
            dropped = messages.text("stream_dropped", "zh-CN")
            nothing = messages.text("recovery_nothing", "zh-CN", reads=60)
            texts = [o.text for o in outputs if isinstance(o, Notice)]
            assert texts.count(dropped) == 1 and texts.count(nothing) == 1, outputs
            assert not _errors(outputs), outputs
            session = engine.session_id
            assert session is not None and message_runs(srv.db_path, session) == {CREATE: 1}
            assert (await driven.api.credits()).available == before.available  # released
            assert latest_draft(srv.db_path, session) is None  # the cut turn committed nothing
            assert engine.draft is None or not engine.draft.tracks, engine.draft
            carry_on = await drive(engine.handle(AGAIN))
            assert not _errors(carry_on), carry_on
            assert message_runs(srv.db_path, session) == {CREATE: 1, AGAIN: 1}
            stored = latest_draft(srv.db_path, session)
            assert stored is not None and engine.draft == parse_draft(stored)
            after = await driven.api.credits()
            assert before.available - after.available == 1 and after.frozen == 0


def _big_wav(path: Path, size: int) -> Path:
    """A valid WAV header over `size` bytes of silence (a sparse file: quick to make)."""
    data = size - 44
    header = b"RIFF" + struct.pack("<I", size - 8) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16) + b"data"
    header += struct.pack("<I", data)
    with path.open("wb") as handle:
        handle.write(header)
        handle.truncate(size)
    return path


def _open_in_this_process(path: Path) -> bool:
    """True when a file descriptor of this process points at `path`."""
    fds = Path("/proc/self/fd")
    return any(os.path.realpath(fd) == str(path.resolve()) for fd in fds.iterdir())


@pytest.mark.timeout(180)
async def test_killed_during_an_upload(tmp_path: Path) -> None:
    with ServeProcess(tmp_path / "backend") as srv:
        async with engine_for(srv.url, lang="en") as driven:
            engine = driven.engine
            big = _big_wav(tmp_path / "voice.wav", 300 * 1024 * 1024)
            outputs: list[Output] = []
            async for output in engine.upload([str(big)]):
                outputs.append(output)
                if isinstance(output, Progress) and srv.proc is not None:
                    assert output.done < (output.total or 0), "the upload ended before the kill"
                    srv.kill()
            (error,) = _errors(outputs)
            assert error.kind == "network" and srv.url in error.message, error
            assert not _open_in_this_process(big), "the cut upload left its file open"
            srv.start()
            session = engine.session_id
            assert session is not None
            rows = query(srv.db_path, "SELECT COUNT(*) FROM assets WHERE session_id=?", session)
            assert rows == [(0,)], "a cut upload must not be listed, nor sent again"
            again = await drive(engine.upload([str(p) for p in photos(tmp_path / "in")]))
            assert not _errors(again), again
            state = await driven.api.state(session)
            assert sorted(a.filename or a.id for a in state.assets) == ["photo1.png", "photo2.png"]


def _wait_until_remembered(sessions: Path, limit_s: float = 60) -> None:
    """Until the client has noted its render as pending (see the lost-answer case in
    test_faults_slow: a kill before that leaves a job `--resume` cannot find)."""
    deadline = time.monotonic() + limit_s
    while not (sessions.exists() and "render_" in sessions.read_text(encoding="utf-8")):
        assert time.monotonic() < deadline, "the export never noted its render"
        time.sleep(0.02)


def _start(cli: Cli, *args: str) -> tuple[list[str], subprocess.Popen[str]]:
    """A one-shot command started in the background."""
    command = [sys.executable, "-m", "vidskill", *args]
    proc = subprocess.Popen(
        command,
        env=cli.env(),
        cwd=cli.cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    return list(args), proc


def _finish(cli: Cli, started: tuple[list[str], subprocess.Popen[str]]) -> Ran:
    """Wait for a background command and check its output for secrets like `Cli.run`."""
    args, proc = started
    out, err = proc.communicate(timeout=240)
    ran = Ran(args, proc.returncode, out, err)
    cli.runs.append(ran)
    cli.secrets |= cli.cached_tokens()
    cli.assert_no_secrets()
    return ran


@pytest.mark.timeout(300)
def test_killed_during_a_render_is_finished_by_export_resume(tmp_path: Path) -> None:
    with ServeProcess(tmp_path / "backend") as srv:
        cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=srv.url)
        shots = [str(p) for p in photos(tmp_path / "in")]
        made = cli.run("upload", *shots, "--text", CREATE, *SKILL, "--json")
        assert made.code == 0, made.stderr
        session = made.json["session_id"]
        export = _start(cli, "export", *SKILL, "--json")
        _wait_for(srv, "SELECT 1 FROM renders WHERE status IN ('pending', 'processing')")
        _wait_until_remembered(cli.home / ".config" / "vidskill" / "sessions.json")
        srv.kill()
        cut = _finish(cli, export)
        assert cut.code == 4 and cut.json["error"]["kind"] == "network", cut.stdout
        assert srv.url in cut.json["error"]["message"]
        srv.start()
        resumed = cli.run("export", "--resume", *SKILL, "--json")
        assert resumed.code == 0, resumed.stdout + resumed.stderr
        (written,) = resumed.json["files"]
        assert probe(Path(written["path"]))["decodes"]
        renders = query(srv.db_path, "SELECT COUNT(*) FROM renders WHERE session_id=?", session)
        assert renders == [(1,)], "the render must not be submitted again"
        assert message_runs(srv.db_path, session) == {CREATE: 1}
