"""Every refusal of the local backend answers with its status and an envelope carrying its code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import DATA
from servers import LiveServer, live_server

CASES = json.loads((DATA / "server_errors.json").read_text(encoding="utf-8"))["cases"]
MISSING = "sess_00000000000000000000"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    with live_server(tmp_path_factory.mktemp("data"), max_json_bytes=64 * 1024) as srv:
        yield srv, srv.new_session("alice")


def _fill(value: Any, sid: str) -> Any:
    text = json.dumps(value).replace("{sid}", sid).replace("{missing}", MISSING)
    return json.loads(text)


def _request(srv: LiveServer, sid: str, case: dict[str, Any]) -> httpx.Response:
    auth = case["auth"]
    headers = srv.headers(None, skill=case.get("skill", True))
    if auth in ("alice", "bob"):
        headers.update(srv.headers(auth, skill=False))
    elif auth == "bogus":
        headers["Authorization"] = "Bearer not-a-real-token"
    elif auth == "basic":
        headers["Authorization"] = "Basic YWxpY2U6c2VjcmV0"
    if "client_id" in case:
        headers["X-Client-Id"] = case["client_id"]
    kwargs: dict[str, Any] = {"headers": headers}
    if "json" in case:
        kwargs["json"] = _fill(case["json"], sid)
    elif "raw" in case:
        kwargs["content"] = _fill(case["raw"], sid).encode()
    elif case.get("big_body"):
        kwargs["json"] = {"task_name": "x" * (65 * 1024)}
    path = _fill(case["path"], sid)
    return httpx.request(case["method"], srv.url + path, **kwargs)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_error_answer(server: tuple[LiveServer, str], case: dict[str, Any]) -> None:
    srv, sid = server
    response = _request(srv, sid, case)
    assert response.status_code == case["status"], response.text
    body = response.json()
    assert body["code"] == case["code"]
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) == {"code", "message", "data"}


def test_missing_and_not_yours_look_the_same(server: tuple[LiveServer, str]) -> None:
    srv, sid = server
    bob = srv.headers("bob")
    theirs = httpx.get(f"{srv.url}/api/state/nemo_agent/me/{sid}/latest", headers=bob)
    missing = httpx.get(f"{srv.url}/api/state/nemo_agent/me/{MISSING}/latest", headers=bob)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert sid not in theirs.text


def test_success_envelope(server: tuple[LiveServer, str]) -> None:
    srv, _ = server
    body = httpx.get(f"{srv.url}/api/credits/balance/simple", headers=srv.headers("alice")).json()
    assert body["code"] == 0 and body["message"] == "ok"
    assert set(body["data"]) == {"available", "frozen", "total"}


def test_wrong_method_names_the_allowed_one(server: tuple[LiveServer, str]) -> None:
    srv, _ = server
    response = httpx.get(f"{srv.url}/run_sse", headers=srv.headers("alice"))
    assert response.headers["allow"] == "POST"


def test_data_folder_holds_no_token(server: tuple[LiveServer, str], tmp_path: Path) -> None:
    srv, _ = server
    for path in srv.config.data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for token in ("tok-alice-0123456789", "tok-bob-0123456789"):
                assert token.encode() not in data, path
