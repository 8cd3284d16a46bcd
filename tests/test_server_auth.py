"""Anonymous tokens, named tokens, expiry and the per-address cap of the local backend."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import httpx
from servers import TOKENS, FakeClock, LiveServer, live_server

DAY = 24 * 3600.0


def _anonymous(srv: LiveServer, client_id: str) -> httpx.Response:
    return httpx.post(f"{srv.url}/api/auth/anonymous-token", headers={"X-Client-Id": client_id})


def _credits(srv: LiveServer, token: str) -> httpx.Response:
    return httpx.get(f"{srv.url}/api/credits/balance/simple", headers=srv.headers(token))


def test_anonymous_token_shape_and_credits(tmp_path: Path) -> None:
    clock = FakeClock()
    with live_server(tmp_path, clock=clock) as srv:
        data = _anonymous(srv, "client-1").json()["data"]
        assert data["user_id"].startswith("anon_")
        assert data["credits"] == 100
        expires = datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00"))
        assert abs(expires.timestamp() - (clock.now + 7 * DAY)) < 1
        balance = _credits(srv, data["token"]).json()["data"]
        assert balance == {"available": 100, "frozen": 0, "total": 100}


def test_asking_again_returns_the_same_token(tmp_path: Path) -> None:
    with live_server(tmp_path) as srv:
        first = _anonymous(srv, "client-1").json()["data"]
        again = _anonymous(srv, "client-1").json()["data"]
        other = _anonymous(srv, "client-2").json()["data"]
        assert again == first
        assert other["token"] != first["token"] and other["user_id"] != first["user_id"]


def test_tokens_are_stored_hashed(tmp_path: Path) -> None:
    with live_server(tmp_path) as srv:
        token = srv.anonymous_token("client-1")
        hashes = {row[0] for row in srv.query("SELECT token_hash FROM tokens")}
        assert hashlib.sha256(token.encode()).hexdigest() in hashes
        assert hashlib.sha256(TOKENS["alice"].encode()).hexdigest() in hashes
        for path in tmp_path.rglob("*"):
            if path.is_file():
                assert token.encode() not in path.read_bytes(), path


def test_expired_token_is_1001_and_renewal_keeps_the_user(tmp_path: Path) -> None:
    clock = FakeClock()
    with live_server(tmp_path, clock=clock, token_lifetime_s=60) as srv:
        old = _anonymous(srv, "client-1").json()["data"]
        session = srv.new_session(old["token"])
        clock.advance(61)
        expired = _credits(srv, old["token"])
        assert expired.status_code == 401 and expired.json()["code"] == 1001
        new = _anonymous(srv, "client-1").json()["data"]
        assert new["token"] != old["token"] and new["user_id"] == old["user_id"]
        state = f"{srv.url}/api/state/nemo_agent/me/{session}/latest"
        assert httpx.get(state, headers=srv.headers(new["token"])).status_code == 200


def test_token_lifetime_quirk_sets_expiry(tmp_path: Path) -> None:
    clock = FakeClock()
    with live_server(tmp_path, clock=clock, token_lifetime_s=90) as srv:
        data = _anonymous(srv, "client-1").json()["data"]
        expires = datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00"))
        assert abs(expires.timestamp() - (clock.now + 90)) < 1


def test_address_cap_answers_429_with_retry_after(tmp_path: Path) -> None:
    clock = FakeClock()
    with live_server(tmp_path, clock=clock, anon_cap=2, anon_cap_window_s=600) as srv:
        assert _anonymous(srv, "client-1").status_code == 200
        clock.advance(100)
        assert _anonymous(srv, "client-2").status_code == 200
        refused = _anonymous(srv, "client-3")
        assert refused.status_code == 429 and refused.json()["code"] == 429
        assert int(refused.headers["retry-after"]) == 501  # the first grant leaves the window
        assert _anonymous(srv, "client-1").status_code == 200  # an existing token is not new
        clock.advance(501)
        assert _anonymous(srv, "client-3").status_code == 200


def test_named_tokens_have_their_own_credits(tmp_path: Path) -> None:
    with live_server(tmp_path) as srv:
        assert _credits(srv, "alice").json()["data"]["available"] == 1000
        r = httpx.post(
            f"{srv.url}/api/tasks/me/with-session/nemo_agent", headers=srv.headers("bob"), json={}
        )
        assert r.json()["data"]["user_id"] == "user_bob"


def test_named_tokens_follow_the_configuration(tmp_path: Path) -> None:
    from vidskill.server.config import NamedToken

    with live_server(tmp_path) as srv:
        session = srv.new_session("alice")
    replaced = (NamedToken("alice", "tok-alice-rotated-99"),)
    with live_server(tmp_path, tokens=replaced) as srv:
        assert _credits(srv, "alice").status_code == 401
        state = f"{srv.url}/api/state/nemo_agent/me/{session}/latest"
        assert httpx.get(state, headers=srv.headers("tok-alice-rotated-99")).status_code == 200
        assert _credits(srv, "tok-alice-rotated-99").json()["data"]["available"] == 1000
