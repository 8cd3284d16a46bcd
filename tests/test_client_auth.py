"""Client id and token: where they come from, where they are kept (0600), never shown."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import stat
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from client_fake import ANON, BASE, FakeBackend, make_api, ok

from vidskill import paths
from vidskill.client.auth import Secret, Token, TokenStore, parse_time

CREDITS = "GET /api/credits/balance/simple"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_anonymous_token_is_cached_0600_per_api_base(private_home: Path) -> None:
    backend = FakeBackend()
    backend.script(CREDITS, ok({"available": 100}), ok({"available": 100}))
    api, http = make_api(backend)
    async with http:
        await api.credits()
    again, http2 = make_api(backend)
    async with http2:
        await again.credits()
    tokens_file = paths.config_dir() / "tokens.json"
    assert tokens_file.is_relative_to(private_home)
    assert _mode(tokens_file) == 0o600
    saved = json.loads(tokens_file.read_text())
    assert list(saved) == [BASE]
    assert saved[BASE]["token"] == backend.issued[0]
    assert saved[BASE]["user_id"] == "anon_42"
    assert saved[BASE]["client_id"] == TokenStore(BASE).client_id()
    assert len(backend.calls(ANON)) == 1
    auths = {r.headers["authorization"] for r in backend.calls(CREDITS)}
    assert auths == {f"Bearer {backend.issued[0]}"}


def test_each_api_base_has_its_own_token() -> None:
    local, hosted = TokenStore("http://127.0.0.1:9"), TokenStore("https://api.example/")
    expires = datetime.now(UTC) + timedelta(days=7)
    local.save(Token(Secret("local-secret"), "anon_1", expires))
    hosted.save(Token(Secret("hosted-secret"), "anon_2", expires))
    assert TokenStore("http://127.0.0.1:9/").current() == Token(
        Secret("local-secret"), "anon_1", expires
    )
    hosted.forget()
    assert TokenStore("https://api.example").current() is None
    assert TokenStore("http://127.0.0.1:9").current() is not None


def test_a_token_near_its_expiry_is_not_used() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    store = TokenStore(BASE, now=lambda: now)
    store.save(Token(Secret("s-1"), "anon_1", now + timedelta(minutes=4)))
    assert store.current() is None
    store.save(Token(Secret("s-2"), "anon_1", now + timedelta(minutes=6)))
    assert store.current() == Token(Secret("s-2"), "anon_1", now + timedelta(minutes=6))


async def test_expired_cached_token_is_replaced() -> None:
    backend = FakeBackend()
    backend.script(CREDITS, ok({"available": 1}))
    old = datetime.now(UTC) - timedelta(days=1)
    TokenStore(BASE).save(Token(Secret("stale-secret"), "anon_1", old))
    api, http = make_api(backend)
    async with http:
        await api.credits()
    assert len(backend.calls(ANON)) == 1
    assert backend.calls(CREDITS)[0].headers["authorization"] == f"Bearer {backend.issued[0]}"


async def test_nemo_token_is_used_and_never_written() -> None:
    backend = FakeBackend()
    backend.script(CREDITS, ok({"available": 1}))
    env = {**os.environ, "NEMO_TOKEN": " user-owned-secret-99 "}
    api, http = make_api(backend, env=env)
    async with http:
        await api.credits()
    assert backend.calls(ANON) == []
    assert backend.calls(CREDITS)[0].headers["authorization"] == "Bearer user-owned-secret-99"
    assert not (paths.config_dir() / "tokens.json").exists()
    assert api.tokens.current() == Token(Secret("user-owned-secret-99"), anonymous=False)


async def test_concurrent_requests_fetch_one_token() -> None:
    backend = FakeBackend()
    backend.script(CREDITS, *[ok({"available": 1}) for _ in range(5)])
    api, http = make_api(backend)
    async with http:
        await asyncio.gather(*[api.credits() for _ in range(5)])
    assert len(backend.calls(ANON)) == 1


def test_secret_never_shows(caplog: pytest.LogCaptureFixture) -> None:
    secret = Secret("tok-abc-123")
    token = Token(secret, "anon_1", None)
    logging.getLogger("vidskill.test").warning("token %s %r", secret, token)
    shown = [repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret:>20}", repr(token)]
    shown += [str(token), caplog.text, repr(TokenStore(BASE))]
    assert not [s for s in shown if "tok-abc-123" in s]
    assert "***" in str(secret) and "***" in repr(token)
    assert secret.reveal() == "tok-abc-123"
    assert secret == Secret("tok-abc-123") and secret != Secret("other")
    with pytest.raises(TypeError):
        pickle.dumps(token)
    with pytest.raises(AttributeError):
        secret._value = "x"


async def test_api_client_repr_hides_the_token() -> None:
    backend = FakeBackend()
    backend.script(CREDITS, ok({"available": 1}))
    api, http = make_api(backend)
    async with http:
        await api.credits()
    assert backend.issued[0] not in f"{api!r} {api.tokens!r} {vars(api)}"


def test_client_id_file_is_created_once_and_reused() -> None:
    store = TokenStore(BASE)
    first = store.client_id()
    path = paths.nemovideo_client_id_file()
    assert path.read_text().strip() == first
    assert uuid.UUID(first).version == 4
    stamp = path.stat().st_mtime_ns
    assert TokenStore("http://other.test").client_id() == first
    assert store.client_id() == first
    assert path.stat().st_mtime_ns == stamp


def test_client_id_file_from_another_tool_is_kept() -> None:
    path = paths.nemovideo_client_id_file()
    path.parent.mkdir(parents=True)
    path.write_text("shared-client-7\n")
    assert TokenStore(BASE).client_id() == "shared-client-7"


@pytest.mark.parametrize("content", ["", "   \n", "x" * 65, "bad\x00id"])
def test_unusable_client_id_file_is_replaced(content: str) -> None:
    path = paths.nemovideo_client_id_file()
    path.parent.mkdir(parents=True)
    path.write_text(content)
    made = TokenStore(BASE).client_id()
    assert made != content.strip() and path.read_text().strip() == made


def test_nemo_client_id_wins_and_writes_nothing() -> None:
    store = TokenStore(BASE, env={**os.environ, "NEMO_CLIENT_ID": "cid-from-env"})
    assert store.client_id() == "cid-from-env" and store.client_id_from_env
    assert not paths.nemovideo_client_id_file().exists()


def test_new_client_id_replaces_the_file() -> None:
    store = TokenStore(BASE)
    first = store.client_id()
    second = store.new_client_id()
    assert second != first and store.client_id() == second
    assert TokenStore(BASE).client_id() == second


def test_corrupt_token_file_is_ignored_and_rewritten_0600() -> None:
    tokens_file = paths.config_dir() / "tokens.json"
    tokens_file.parent.mkdir(parents=True)
    tokens_file.write_text("{not json")
    tokens_file.chmod(0o644)
    store = TokenStore(BASE)
    assert store.current() is None
    store.save(Token(Secret("fresh-secret"), "anon_3", None))
    assert _mode(tokens_file) == 0o600
    assert store.current() == Token(Secret("fresh-secret"), "anon_3", None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-06-01T00:00:00Z", datetime(2025, 6, 1, tzinfo=UTC)),
        ("2025-06-01T08:00:00+08:00", datetime(2025, 6, 1, tzinfo=UTC)),
        ("2025-06-01T00:00:00", datetime(2025, 6, 1, tzinfo=UTC)),
        (1748736000, datetime(2025, 6, 1, tzinfo=UTC)),
        ("next week", None),
        (None, None),
        (True, None),
    ],
)
def test_expiry_times(raw: object, expected: datetime | None) -> None:
    assert parse_time(raw) == expected
