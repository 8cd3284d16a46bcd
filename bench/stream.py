"""Streams: one chat turn of 10,000 ADK events from a real local backend, handled by the client.

The backend runs in its own process (uvicorn on 127.0.0.1) with its agent swapped for one that
makes 5,000 tool calls, so the turn streams 10,000 tool events and a text reply through the
real turn runner and event stream. In this process two clients take the turn: the API client
(`ApiClient.chat_stream`: httpx, `SSEDecoder`, event values) counting what arrives, and the
whole engine (`Engine.handle`: the same plus GUI-speak translation, timeline diff and outputs).
Wall time is request to last event (the session is made beforehand); CPU is this process's
only, the server's is apart. Separately, the decoder alone is timed over the recorded bytes.
Target: under 1 s.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.harness import Result, Sample, Target, repeat

TOKEN = "tok-bench-0123456789"
CALLS = 5_000


def many_calls(count: int, turn: Any, toolbox: Any) -> Any:
    """An agent that answers any message with `count` cheap tool calls and a short reply."""
    from vidskill.server.agent import ToolCall, TurnResult

    calls = tuple(
        ToolCall("get_media_info", {"asset": f"a_{i}"}, {"ok": True, "index": i})
        for i in range(count)
    )
    return TurnResult(draft=None, calls=calls, reply="Done.", understood=True, edited=False)


def _serve(data_dir: str, count: int, urls: Any, stop: Any) -> None:
    from bench.servers import local_backend
    from vidskill.server.config import NamedToken

    tokens = (NamedToken("bench", TOKEN),)
    agent = functools.partial(many_calls, count)
    with local_backend(Path(data_dir), run_turn=agent, tokens=tokens, named_credits=10**6) as url:
        urls.put(url)
        stop.wait()


def client_env(home: str) -> dict[str, str]:
    """The client's environment: the named token, a private HOME."""
    config, data = f"{home}/.config", f"{home}/.local/share"
    return {"NEMO_TOKEN": TOKEN, "NEMO_CLIENT_ID": "bench", "HOME": home,
            "XDG_CONFIG_HOME": config, "XDG_DATA_HOME": data}  # fmt: skip


async def api_turn(url: str, env: dict[str, str]) -> Sample:
    """One turn through `ApiClient.chat_stream`, timed; its value counts the events by kind."""
    import httpx

    from vidskill import skill as skills
    from vidskill.client import ApiClient, TokenStore

    headers = skills.resolve(None, env).headers()
    async with httpx.AsyncClient(trust_env=False) as http:
        api = ApiClient(http, base_url=url, skill_headers=headers, tokens=TokenStore(url, env=env))
        session = await api.create_session("en")
        kinds: Counter[str] = Counter()
        wall, cpu = time.perf_counter(), time.process_time()
        async for event in api.chat_stream(session.session_id, "check every file"):
            kinds[type(event).__name__] += 1
        return Sample(time.perf_counter() - wall, time.process_time() - cpu, kinds)


async def engine_turn(url: str, env: dict[str, str]) -> Sample:
    """One turn through the whole engine, timed; its value is how many outputs it gave."""
    import httpx

    from vidskill import skill as skills
    from vidskill.connect import Backend, ConnectOptions, build_engine

    skill = skills.resolve(None, env)
    async with httpx.AsyncClient(trust_env=False) as http:
        engine = build_engine(Backend(url, url, "bench"), http, skill, ConnectOptions(), env)
        async for _ in engine.start(resume=False):
            pass
        wall, cpu = time.perf_counter(), time.process_time()
        outputs = [output async for output in engine.handle("check every file")]
        sample = Sample(time.perf_counter() - wall, time.process_time() - cpu, len(outputs))
        await engine.aclose()
        return sample


def decoder_only(raw: bytes, chunk: int = 16_384) -> int:
    """Decode recorded stream bytes in network-sized chunks; returns the number of events."""
    from vidskill.client.sse import SSEDecoder

    decoder = SSEDecoder()
    count = 0
    for start in range(0, len(raw), chunk):
        count += len(decoder.feed(raw[start : start + chunk]))
    return count + len(decoder.finish())


def recorded(count: int) -> bytes:
    """The bytes of a turn of `count` tool calls, as the backend frames them."""
    from vidskill.server import adk

    parts = []
    for i in range(count):
        call_id = adk.new_call_id()
        parts.append(adk.sse(adk.function_call("e-1", call_id, "get_media_info", {"i": i}, 0.0)))
        parts.append(
            adk.sse(adk.function_response("e-1", call_id, "get_media_info", {"ok": 1}, 0.0))
        )
    parts.append(adk.sse(adk.text("e-1", "Done.", 0.0)))
    return b"".join(parts)


def run(*, quick: bool, runs: int | None) -> list[Result]:
    """Run the turns against a backend in a child process."""
    count = 250 if quick else CALLS
    times = runs or (1 if quick else 5)
    result = Result("stream")
    context = multiprocessing.get_context("spawn")
    urls, stop = context.Queue(), context.Event()
    with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as home:
        server = context.Process(target=_serve, args=(data, count, urls, stop), daemon=True)
        server.start()
        try:
            url = urls.get(timeout=120)
            env = client_env(home)
            asyncio.run(api_turn(url, env))  # warm up: imports, token, connection
            api = [asyncio.run(api_turn(url, env)) for _ in range(times)]
            engine = [asyncio.run(engine_turn(url, env)) for _ in range(times)]
        finally:
            stop.set()
            server.join(timeout=30)
    kinds = api[0].value
    events = kinds["ToolCall"] + kinds["ToolResult"] + kinds["Text"]
    target = None if quick else Target("<", 1.0)
    result.add(f"api client, {events:,} events, wall", [s.wall_s for s in api], target=target)
    result.add("api client CPU", [s.cpu_s for s in api])
    result.add("engine turn wall", [s.wall_s for s in engine], target=target)
    result.add("engine turn CPU", [s.cpu_s for s in engine])
    raw = recorded(count)
    decoded = repeat(lambda: decoder_only(raw), times)
    result.add(f"SSEDecoder alone, {len(raw) / 1e6:.1f} MB", [s.wall_s for s in decoded])
    result.extra = {"events": dict(kinds), "decoded": decoded[0].value}
    result.notes.append(
        "stream: wall includes the server producing the events (in its own process); "
        "CPU is the client's only"
    )
    return [result.done()]
