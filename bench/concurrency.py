"""Concurrency: 50 simulated users on one local backend for 60 s while renders run.

The backend is a `vidskill serve` process (one render worker, as by default). Each user has a
named token and its own session; it uploads a photo, then loops until the time is up: reads
the state, reads the credits, now and then sends a chat turn (reading the whole stream) or
uploads another photo, with a short random pause between requests as a person would make.
Five users (two with --quick) also submit a render at the start, half a second apart, and
poll it; the queue wait of each render is the time from submission until it is first seen
processing, polled every 0.2 s. Targets: no errors; p99 of the state and credit reads under
100 ms; renders start in the order they were submitted (FIFO) and the reads stay fast while
they run.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import multiprocessing
import random
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import Result, Target, percentile
from bench.servers import served_backend, server_env

USERS = 50
STAGGER_S = 0.5
APP = "nemo_agent"
MESSAGES = (
    "make a 10-second slideshow of my photos",
    "add a title 'Summer sale'",
    "add a caption 'Made for every day'",
    "make the music calmer",
)


def render_draft(seconds: int) -> dict[str, Any]:
    """A short 1080p draft of colour cards and music (no uploaded files needed)."""
    ms = seconds * 1000
    half = ms // 2
    cards = [
        {"id": f"v1s{i}", "s": i * half, "d": half, "m": {"kind": "color", "color": colour}}
        for i, colour in enumerate(("#336699", "#993366"))
    ]
    music = {"id": "a1s1", "s": 0, "d": ms, "m": {"src": "music:calm", "role": "bgm"}}
    return {
        "d": ms,
        "m": {"title": "Queue", "width": 1920, "height": 1080, "fps": 30},
        "t": [
            {"id": "v1", "tt": 0, "m": {"name": "Video"}, "sg": cards},
            {"id": "a1", "tt": 1, "m": {"name": "BGM", "volume": 40}, "sg": [music]},
        ],
    }


def photo_bytes(index: int) -> bytes:
    """A small PNG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (index * 5 % 256, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Tally:
    """Latencies by kind of request, errors, and the renders' timings."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    renders: list[dict[str, float]] = field(default_factory=list)


class User:
    """One simulated user with its own token and session."""

    def __init__(self, index: int, http: Any, url: str, headers: dict[str, str], tally: Tally):
        self.index, self.http, self.url, self.tally = index, http, url, tally
        self.headers = {**headers, "Authorization": f"Bearer {token(index)}"}
        self.rng = random.Random(index)
        self.session = ""

    async def call(self, kind: str, method: str, path: str, **kw: Any) -> Any:
        """One request, timed and checked; returns the decoded JSON (or None for streams)."""
        start = time.perf_counter()
        try:
            if kind == "chat":
                return await self._stream(path, kw["json"], start)
            response = await self.http.request(method, self.url + path, headers=self.headers, **kw)
            self.tally.latency[kind].append(time.perf_counter() - start)
            if response.status_code >= 400:
                self.tally.errors.append(
                    f"{kind}: HTTP {response.status_code} {response.text[:120]}"
                )
            return response.json()
        except Exception as exc:  # every failure is counted, none stops the run
            self.tally.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            return None

    async def _stream(self, path: str, body: dict[str, Any], start: float) -> None:
        headers = {**self.headers, "Accept": "text/event-stream"}
        async with self.http.stream("POST", self.url + path, json=body, headers=headers) as r:
            text = b"".join([chunk async for chunk in r.aiter_bytes()])
        self.tally.latency["chat"].append(time.perf_counter() - start)
        if r.status_code != 200 or b'"error"' in text:
            self.tally.errors.append(f"chat: HTTP {r.status_code} {text[-160:]!r}")

    async def start(self) -> None:
        """Make the session and upload the first photo."""
        made = await self.call("session", "POST", f"/api/tasks/me/with-session/{APP}",
                               json={"task_name": "project", "language": "en"})  # fmt: skip
        self.session = made["data"]["session_id"] if made else ""
        await self.upload()

    async def upload(self) -> None:
        """Upload one small photo to the session."""
        files = [("files", (f"photo{self.index}.png", photo_bytes(self.index), "image/png"))]
        await self.call("upload", "POST", f"/api/upload-video/{APP}/me/{self.session}", files=files)

    async def act(self) -> None:
        """One step of the loop."""
        roll = self.rng.random()
        if roll < 0.4:
            await self.call("state", "GET", f"/api/state/{APP}/me/{self.session}/latest")
        elif roll < 0.8:
            await self.call("credits", "GET", "/api/credits/balance/simple")
        elif roll < 0.95:
            text = self.rng.choice(MESSAGES)
            body = {"app_name": APP, "user_id": "me", "session_id": self.session,
                    "new_message": {"parts": [{"text": text}]}}  # fmt: skip
            await self.call("chat", "POST", "/run_sse", json=body)
        else:
            await self.upload()
        await asyncio.sleep(self.rng.uniform(0.1, 0.5))

    async def render(self, seconds: int, delay: float) -> None:
        """After `delay`, submit one render and poll it to its end, noting when it started."""
        await asyncio.sleep(delay)
        rid = f"bench-{self.index}-{time.time_ns()}"
        body = {"id": rid, "sessionId": self.session, "draft": render_draft(seconds),
                "output": {"format": "mp4", "quality": "high"}}  # fmt: skip
        submitted = time.perf_counter()
        if await self.call("render_submit", "POST", "/api/render/proxy/lambda", json=body) is None:
            return
        started = None
        while True:
            status = await self.call("render_poll", "GET", f"/api/render/proxy/lambda/{rid}")
            state = (status or {}).get("status", "failed")
            now = time.perf_counter()
            if state != "pending" and started is None:
                started = now
            if state in ("completed", "failed"):
                break
            await asyncio.sleep(0.2)
        if state == "failed":
            self.tally.errors.append(f"render {rid} failed: {status}")
        self.tally.renders.append(
            {
                "submitted": submitted,
                "wait_s": (started or now) - submitted,
                "total_s": now - submitted,
            }
        )


def token(index: int) -> str:
    """The named token of user `index`."""
    return f"tok-bench-user-{index:02d}"


async def simulate(url: str, seconds: float, renders: int, render_s: int) -> Tally:
    """Run the users for `seconds` (renders may run on a little longer)."""
    import httpx

    from vidskill import skill as skills

    tally = Tally()
    limits = httpx.Limits(max_connections=USERS * 2, max_keepalive_connections=USERS * 2)
    async with httpx.AsyncClient(trust_env=False, limits=limits, timeout=120) as http:
        headers = skills.resolve(None).headers()
        users = [User(i, http, url, headers, tally) for i in range(USERS)]
        await asyncio.gather(*(user.start() for user in users))
        deadline = time.perf_counter() + seconds

        async def loop(user: User) -> None:
            while time.perf_counter() < deadline:
                await user.act()

        # Submissions half a second apart, so that their order is the order they arrive in.
        jobs = [user.render(render_s, i * STAGGER_S) for i, user in enumerate(users[:renders])]
        await asyncio.gather(*(loop(u) for u in users), *jobs)
    return tally


PROBE_TOKEN = "tok-bench-probe"


def probe_reads(url: str, seconds: float) -> list[float]:
    """Credit and state reads from a process of its own, every 50 ms: the server's latency
    without the load generator's own queueing (50 users share one Python process there)."""
    import httpx

    from vidskill import skill as skills

    headers = {**skills.resolve(None).headers(), "Authorization": f"Bearer {PROBE_TOKEN}"}
    latencies: list[float] = []
    with httpx.Client(trust_env=False, timeout=30) as http:
        made = http.post(f"{url}/api/tasks/me/with-session/nemo_agent", headers=headers, json={})
        session = made.json()["data"]["session_id"]
        paths = ("/api/credits/balance/simple", f"/api/state/nemo_agent/me/{session}/latest")
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            for path in paths:
                start = time.perf_counter()
                http.get(url + path, headers=headers).raise_for_status()
                latencies.append(time.perf_counter() - start)
            time.sleep(0.05)
    return latencies


def run(*, quick: bool, runs: int | None) -> list[Result]:
    """One simulation (60 s, or 5 s with --quick)."""
    seconds, renders, render_s = (5.0, 2, 1) if quick else (60.0, 5, 6)
    result = Result("concurrency")
    flags = [f"--token=u{i:02d}={token(i)}" for i in range(USERS)]
    flags.append(f"--token=probe={PROBE_TOKEN}")
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as work, ProcessPoolExecutor(1, mp_context=spawn) as pool:
        home = str(Path(work) / "home")
        with served_backend(Path(work) / "data", server_env(home), *flags) as served:
            probed = pool.submit(probe_reads, served.url, seconds)
            tally = asyncio.run(simulate(served.url, seconds, renders, render_s))
            probe = probed.result()
    _report(result, tally, seconds, probe)
    return [result.done()]


def _report(result: Result, tally: Tally, seconds: float, probe: list[float]) -> None:
    result.add("errors", len(tally.errors), "count", Target("<=", 0))
    result.add("reads p99, own process", percentile(probe, 0.99) * 1000, "ms", Target("<", 100))
    result.add("reads p50, own process", percentile(probe, 0.5) * 1000, "ms")
    reads = tally.latency["state"] + tally.latency["credits"]
    result.add("reads p99, seen by the 50 users", percentile(reads, 0.99) * 1000, "ms")
    result.add("reads p50, seen by the 50 users", percentile(reads, 0.5) * 1000, "ms")
    for kind in ("chat", "upload"):
        if tally.latency[kind]:
            result.add(f"{kind} p99", percentile(tally.latency[kind], 0.99) * 1000, "ms")
    requests = sum(len(v) for v in tally.latency.values())
    result.add("requests per second", requests / seconds, "1/s")
    ordered = sorted(tally.renders, key=lambda r: r["submitted"])
    if ordered:
        result.add("render queue wait", [r["wait_s"] for r in ordered])
        fifo = all(a["submitted"] + a["wait_s"] <= b["submitted"] + b["wait_s"] + 0.25
                   for a, b in itertools.pairwise(ordered))  # fmt: skip
        result.add("renders started in submission order", float(fifo), "bool", Target(">=", 1))
    result.extra = {
        "render_waits_s": [round(r["wait_s"], 2) for r in ordered],
        "render_totals_s": [round(r["total_s"], 2) for r in ordered],
        "requests": {k: len(v) for k, v in tally.latency.items()},
        "errors": tally.errors[:20],
    }
    result.notes.append(
        f"concurrency: {USERS} users, {seconds:g} s, {requests} requests; render waits (s) "
        f"in submission order {result.extra['render_waits_s']}"
    )
