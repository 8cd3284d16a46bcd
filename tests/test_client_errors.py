"""Every envelope, error code, HTTP status and network failure the client must handle."""

from __future__ import annotations

import json
import os
import socket
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from client_fake import ANON, BASE, FakeBackend, Reply, Sleeps, from_row, make_api, ok, sse
from conftest import DATA

from vidskill import errors
from vidskill.client import ApiClient, envelope
from vidskill.client.auth import TokenStore

ENVELOPES = json.loads((DATA / "client_envelopes.json").read_text(encoding="utf-8"))["cases"]
POLICY = json.loads((DATA / "client_error_policy.json").read_text(encoding="utf-8"))["cases"]
NETWORK = json.loads((DATA / "client_network_errors.json").read_text(encoding="utf-8"))["cases"]

Action = Callable[[ApiClient], Awaitable[Any]]


async def _chat(api: ApiClient) -> list[Any]:
    return [event async for event in api.chat_stream("s1", "add background music")]


ACTIONS: dict[str, tuple[str, Action, Reply]] = {
    "credits": (
        "GET /api/credits/balance/simple",
        lambda api: api.credits(),
        ok({"available": 90, "frozen": 10, "total": 100}),
    ),
    "state": (
        "GET /api/state/nemo_agent/me/s1/latest",
        lambda api: api.state("s1"),
        ok({"session_id": "s1", "state": {}}),
    ),
    "session": (
        "POST /api/tasks/me/with-session/nemo_agent",
        lambda api: api.create_session("en"),
        ok({"task_id": "t1", "session_id": "s1", "user_id": "anon_42"}),
    ),
    "anonymous_token": (ANON, lambda api: api.anonymous_token(), ok({"token": "t-0123456789"})),
    "submit_render": (
        "POST /api/render/proxy/lambda",
        lambda api: api.submit_render("s1", {"t": []}, "render_1"),
        Reply(200, {"id": "render_1", "status": "pending"}),
    ),
    "poll_render": (
        "GET /api/render/proxy/lambda/render_1",
        lambda api: api.poll_render("render_1"),
        Reply(200, {"id": "render_1", "status": "processing", "progress": 10}),
    ),
    "upload_urls": (
        "POST /api/upload-video/nemo_agent/me/s1",
        lambda api: api.upload_urls("s1", ["https://example.com/a.jpg"]),
        ok({"files": [], "session_state_applied": True}),
    ),
    "chat": ("POST /run_sse", _chat, sse('data: {"type": "text", "content": "Done."}\n\n')),
}


@pytest.mark.parametrize("case", ENVELOPES, ids=[c["name"] for c in ENVELOPES])
def test_envelope(case: dict[str, Any]) -> None:
    body = envelope.parse_json(case["raw"].encode()) if "raw" in case else case["body"]
    headers = httpx.Headers(case.get("headers", {}))
    try:
        err = envelope.error_for(case["status"], body, headers)
        data = envelope.unwrap(body) if err is None else None
    except errors.BackendError as raised:
        err, data = raised, None
    if "data" in case:
        assert err is None
        assert data == case["data"]
        return
    assert type(err).__name__ == case["error"]
    assert err is not None
    assert (err.code, err.message) == (case["code"], case["message"])
    assert err.status == case.get("status_out", case["status"])
    assert err.data == case.get("error_data", {})
    if "retry_after" in case:
        assert isinstance(err, errors.RateLimitError)
        assert err.retry_after == case["retry_after"]


@pytest.mark.parametrize("variant", ["emit", "success", "bare"])
async def test_every_envelope_through_the_client(variant: str) -> None:
    data = {"available": 90, "frozen": 10, "total": 100}
    body = {
        "emit": {"code": 0, "message": "ok", "data": data},
        "success": {"success": True, "data": data},
        "bare": data,
    }[variant]
    backend = FakeBackend()
    backend.script("GET /api/credits/balance/simple", Reply(200, body))
    api, http = make_api(backend)
    async with http:
        credits = await api.credits()
    assert (credits.available, credits.frozen, credits.total) == (90, 10, 100)
    assert backend.violations == []


def _reply(action: str, row: Any) -> Reply:
    return ACTIONS[action][2] if row == "ok" else from_row(row)


@pytest.mark.parametrize("case", POLICY, ids=[c["name"] for c in POLICY])
async def test_error_policy(case: dict[str, Any]) -> None:
    backend, sleeps = FakeBackend(), Sleeps()
    key, run, _ = ACTIONS[case["action"]]
    backend.script(key, *[_reply(case["action"], r) for r in case["replies"]])
    api, http = make_api(backend, sleeps, {**os.environ, **case.get("env", {})})
    expect = case["expect"]
    raised: errors.VidskillError | None = None
    async with http:
        try:
            await run(api)
        except errors.VidskillError as exc:
            raised = exc
    _check_outcome(raised, expect)
    assert len(backend.calls(key)) == expect["calls"]
    assert len(backend.calls(ANON)) == expect["anon_calls"]
    assert sleeps == expect.get("sleeps", [])
    assert backend.scripts.get(key) == []
    assert backend.violations == []
    _check_tokens(backend, key, expect, raised)


def _check_outcome(raised: errors.VidskillError | None, expect: dict[str, Any]) -> None:
    if expect.get("ok"):
        assert raised is None, repr(raised)
        return
    assert type(raised).__name__ == expect["error"]
    assert isinstance(raised, errors.BackendError)
    for name in ("code", "status", "retry_after", "message"):
        if name in expect:
            assert getattr(raised, name) == expect[name]
    assert expect.get("message_has", "") in str(raised)
    for name, value in expect.get("data", {}).items():
        assert raised.data[name] == value
    assert not set(expect.get("no_data", [])) & set(raised.data)


def _check_tokens(
    backend: FakeBackend, key: str, expect: dict[str, Any], raised: Exception | None
) -> None:
    auths = [r.headers.get("authorization") for r in backend.calls(key)]
    if expect.get("new_token_on_retry"):
        assert auths[0] != auths[-1]
    if expect.get("new_client_id"):
        ids = [r.headers["x-client-id"] for r in backend.calls(ANON)]
        assert len(set(ids)) == len(ids)
        assert TokenStore(BASE).client_id() == ids[-1]
    secrets = [*backend.issued, os.environ.get("NEMO_TOKEN", ""), "user-owned-secret-99"]
    shown = f"{raised} {raised!r} {getattr(raised, 'data', '')}"
    assert not [s for s in secrets if s and s in shown]


CAUSES: dict[str, BaseException] = {
    "refused": ConnectionRefusedError(111, "Connection refused"),
    "dns": socket.gaierror(-2, "Name or service not known"),
    "tls": ssl.SSLCertVerificationError("certificate verify failed"),
    "tls_handshake": ssl.SSLError("wrong version number"),
}


def _failure(case: dict[str, Any]) -> Exception:
    exc: Exception = getattr(httpx, case["exc"])("boom")
    if "cause" in case:
        exc.__cause__ = CAUSES[case["cause"]]
    return exc


@pytest.mark.parametrize("case", NETWORK, ids=[c["name"] for c in NETWORK])
async def test_network_failures(case: dict[str, Any]) -> None:
    backend = FakeBackend()
    key, run, _ = ACTIONS[case["action"]]
    failure = _failure(case)
    backend.script(key, Reply(raise_=failure))
    api, http = make_api(backend)
    async with http:
        with pytest.raises(errors.NetworkError) as info:
            await run(api)
    err = info.value
    assert type(err).__name__ == case["error"]
    assert str(err).count("\n") == 0
    assert BASE in str(err) and err.url == BASE
    assert case["phrase"] in str(err)
    assert err.__cause__ is failure
    assert len(backend.calls(key)) == 1
    assert backend.violations == []
