"""Uploads: a 1 GB file to the local backend, with the memory growth of both sides.

The file is a WAV whose 1 GB data chunk is silence, written in an instant as a sparse file
(a header, then `os.truncate`), so the figure is the transfer, not the disk. The backend runs
as a `vidskill serve` process with its upload limit raised; the client (`ApiClient.upload_files`,
a streamed multipart body) runs in a fresh process of its own. Both sides first upload a small
file, so imports and first-request buffers are in place; then each side's peak RSS is reset
and the growth is read from VmHWM against the size before. Target: each grows by under 50 MB.
"""

from __future__ import annotations

import asyncio
import os
import struct
import tempfile
import time
from pathlib import Path

from bench.harness import (
    MB,
    Result,
    Target,
    isolated,
    peak_rss_mb,
    process_cpu_s,
    reset_peak,
    rss_mb,
)
from bench.servers import served_backend, server_env

TOKEN = "tok-bench-0123456789"
RATE, CHANNELS, BYTES_PER_SAMPLE = 48_000, 2, 4  # float32 stereo: 1 GB is about 46 minutes


def silent_wav(path: Path, data_bytes: int) -> Path:
    """A WAV (IEEE float) holding `data_bytes` of silence, written sparsely."""
    block = CHANNELS * BYTES_PER_SAMPLE
    data_bytes -= data_bytes % block
    header = b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 3, CHANNELS, RATE, RATE * block, block, 32)
    header += b"data" + struct.pack("<I", data_bytes)
    with path.open("wb") as handle:
        handle.write(header)
    os.truncate(path, len(header) + data_bytes)
    return path


async def _upload(url: str, home: str, path: str) -> None:
    import httpx

    from vidskill import skill as skills
    from vidskill.client import ApiClient, TokenStore

    env = {"NEMO_TOKEN": TOKEN, "NEMO_CLIENT_ID": "bench", "HOME": home}
    async with httpx.AsyncClient(trust_env=False) as http:
        headers = skills.resolve(None, env).headers()
        api = ApiClient(http, base_url=url, skill_headers=headers, tokens=TokenStore(url, env=env))
        session = await api.create_session("en")
        await api.upload_files(session.session_id, [path])


def client_upload(url: str, home: str, small: str, big: str) -> dict[str, float]:
    """In a fresh process: warm up with `small`, then upload `big`; wall, CPU and RSS growth."""
    asyncio.run(_upload(url, home, small))
    before = rss_mb()
    reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    asyncio.run(_upload(url, home, big))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall_s": wall, "cpu_s": cpu, "rss_growth_mb": peak_rss_mb() - before}


def one_run(url: str, pid: int, home: str, small: Path, big: Path) -> dict[str, float]:
    """One measured upload: the client's figures and the server's CPU and RSS growth."""
    before = rss_mb(pid)
    reset_peak(pid)
    cpu = process_cpu_s(pid)
    figures = isolated(client_upload, url, home, str(small), str(big))
    figures["server_cpu_s"] = process_cpu_s(pid) - cpu
    figures["server_rss_growth_mb"] = peak_rss_mb(pid) - before
    return figures


def run(*, quick: bool, runs: int | None) -> list[Result]:
    """Upload the big file `runs` times to one served backend."""
    size = (64 if quick else 1024) * MB
    count = runs or (1 if quick else 3)
    result = Result("upload")
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        home = str(root / "home")
        small = silent_wav(root / "small.wav", 1 * MB)
        big = silent_wav(root / "big.wav", size)
        flags = ("--max-upload-mb", str(size // MB + 16), "--token", f"bench={TOKEN}")
        with served_backend(root / "data", server_env(home), *flags) as served:
            warm = isolated(client_upload, served.url, home, str(small), str(small))
            runs_ = [one_run(served.url, served.pid, home, small, big) for _ in range(count)]
    rss_target = Target("<", 50)
    result.add(f"{size // MB} MB upload wall", [r["wall_s"] for r in runs_])
    result.add("throughput", [size / MB / r["wall_s"] for r in runs_], "MB/s")
    result.add("client CPU", [r["cpu_s"] for r in runs_])
    result.add("server CPU", [r["server_cpu_s"] for r in runs_])
    result.add("client peak RSS growth", [r["rss_growth_mb"] for r in runs_], "MB", rss_target)
    result.add(
        "server peak RSS growth", [r["server_rss_growth_mb"] for r in runs_], "MB", rss_target
    )
    result.extra = {"warm_up_small_upload": warm}
    return [result.done()]
