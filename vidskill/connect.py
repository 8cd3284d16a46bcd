"""From command-line options to a ready engine, and everything closed again on the way out.

The skill comes from `--skill NAME|PATH` (vidskill's own skill by default). The backend is, in
order: `--local`, the embedded local backend over the persistent data folder, started on
127.0.0.1 and a free port for as long as the engine lives; `--api URL`; `NEMO_API_URL`; the
skill's `apiDomain`. Tokens and remembered sessions are keyed by the backend, and the embedded
backend's key is its data folder rather than its port (which changes every run), so `--local`
continues the same project and the same anonymous user from one command to the next.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from vidskill import skill as skills
from vidskill.client import ApiClient, TokenStore
from vidskill.client.network import public_url
from vidskill.engine import Engine, SessionMemory, Settings
from vidskill.engine.recorder import BackendInfo, BindingRecorder, Recorder
from vidskill.errors import UsageError

LOCAL_EXTRA = "pip install 'vidskill[local]'"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class ConnectOptions:
    """What the command line says about the skill, the backend and the language."""

    skill: str | None = None
    local: bool = False
    api: str | None = None
    lang: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ConnectOptions:
        """Read `--skill`, `--local`, `--api` and `--lang` (each optional)."""
        return cls(
            skill=getattr(args, "skill", None),
            local=bool(getattr(args, "local", False)),
            api=getattr(args, "api", None),
            lang=getattr(args, "lang", None),
        )


@dataclass(frozen=True)
class Backend:
    """Where requests go, how tokens and sessions are keyed, and how the user sees it."""

    url: str
    key: str
    label: str


def check_url(url: str) -> str:
    """An http(s) API base without a trailing slash, or a usage error."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise UsageError(f"--api needs an http:// or https:// URL, not {url!r}.")
    return url.rstrip("/")


@asynccontextmanager
async def _embedded(env: Mapping[str, str]) -> AsyncIterator[Backend]:
    try:
        from vidskill.server.config import ServerConfig
        from vidskill.server.embedded import EmbeddedServer
    except ImportError:
        raise UsageError(
            f"--local needs the local backend, which is not installed: run {LOCAL_EXTRA}"
        ) from None
    config = ServerConfig.from_env(env)
    server = EmbeddedServer(config)
    await asyncio.to_thread(server.start)
    try:
        yield Backend(server.url, key=f"local:{config.data_dir}", label="local")
    finally:
        await asyncio.to_thread(server.stop)


@asynccontextmanager
async def backend(
    options: ConnectOptions, skill: skills.Skill, env: Mapping[str, str]
) -> AsyncIterator[Backend]:
    """The backend to talk to, running for as long as the block when it is the embedded one."""
    if options.local and options.api:
        raise UsageError("Choose either --local or --api, not both.")
    if options.local:
        async with _embedded(env) as found:
            yield found
        return
    url = check_url(options.api) if options.api else skill.api_base.rstrip("/")
    shown = public_url(url)
    yield Backend(url, key=shown, label=shown)


def _is_loopback(url: str) -> bool:
    try:
        return httpx.URL(url).host in _LOOPBACK
    except httpx.InvalidURL:
        return False


def build_engine(
    found: Backend,
    http: httpx.AsyncClient,
    skill: skills.Skill,
    options: ConnectOptions,
    env: Mapping[str, str],
    recorder: Recorder | None = None,
) -> Engine:
    """An engine for a skill on a backend, over an HTTP client its caller owns."""
    tokens = TokenStore(found.key, env=env)

    def make_api(chosen: skills.Skill) -> ApiClient:
        return ApiClient(http, base_url=found.url, skill_headers=chosen.headers(), tokens=tokens)

    return Engine(
        api=make_api(skill),
        skill=skill,
        sessions=SessionMemory.default(env),
        settings=Settings.from_skill(skill, env),
        lang=options.lang,
        recorder=recorder,
        backend_label=found.label,
        backend_key=found.key,
        api_factory=make_api,
    )


@asynccontextmanager
async def connect(
    options: ConnectOptions,
    *,
    env: Mapping[str, str] | None = None,
    recorder: Recorder | None = None,
) -> AsyncIterator[Engine]:
    """A ready engine for the options; the backend and HTTP client close when the block ends."""
    env = dict(os.environ) if env is None else env
    skill = skills.resolve(options.skill, env)
    Settings.from_skill(skill, env)  # refuse bad settings before starting a backend
    async with (
        backend(options, skill, env) as found,
        # A proxy from the environment must not stand between us and a backend on this machine.
        httpx.AsyncClient(trust_env=not _is_loopback(found.url)) as http,
    ):
        engine = build_engine(found, http, skill, options, env, recorder)
        if isinstance(recorder, BindingRecorder):
            where = BackendInfo(found.label, public_url(found.url), found.key, options.local)
            recorder.bind(where, engine)
        try:
            yield engine
        finally:
            await engine.aclose()
