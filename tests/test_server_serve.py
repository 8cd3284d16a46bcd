"""`vidskill serve` as a real process: URL first, tokens and quirks from flags and env, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from conftest import ROOT


@contextmanager
def _serve(
    *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "vidskill", "serve", "--port", "0", "--log-level", "warning", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("vidskill local backend on http://127.0.0.1:"), line
        yield line.split()[4], proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


def test_serve_runs_until_interrupted(tmp_path: Path) -> None:
    token = "tok-serve-test-42"
    with _serve("--data", str(tmp_path), "--token", f"tester={token}") as (url, proc):
        assert httpx.get(f"{url}/api/health").json()["data"]["status"] == "ok"
        headers = {"Authorization": f"Bearer {token}"}
        credits = httpx.get(f"{url}/api/credits/balance/simple", headers=headers).json()
        assert credits["data"]["available"] == 1000
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert token not in err
    assert (tmp_path / "vidskill.sqlite3").exists()


def test_serve_reads_tokens_and_quirks_from_env(tmp_path: Path) -> None:
    env = {"VIDSKILL_SERVER_TOKENS": "ci=tok-from-env-77", "VIDSKILL_TOKEN_LIFETIME_S": "120"}
    with _serve("--data", str(tmp_path), env=env) as (url, _):
        headers = {"Authorization": "Bearer tok-from-env-77"}
        assert httpx.get(f"{url}/api/credits/balance/simple", headers=headers).status_code == 200
        data = httpx.post(f"{url}/api/auth/anonymous-token", headers={"X-Client-Id": "c"}).json()
        expires = datetime.fromisoformat(data["data"]["expires_at"].replace("Z", "+00:00"))
        left = (expires - datetime.now(UTC)).total_seconds()
        assert 60 < left <= 121


def test_serve_refuses_a_malformed_token_option(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vidskill", "serve", "--data", str(tmp_path), "--token", "nameonly"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "NAME=TOKEN" in done.stderr
