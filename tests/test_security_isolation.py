"""Isolation, exhaustively: every session-scoped route, every (owner, other) pair of users.

Four users (two named, two anonymous) each own a session with an upload, a draft and a finished
render. For each route of the app's route table that names a session, an asset or a render,
and for each ordered pair of users, the other user's request on the owner's thing must get the
very answer (status and body) a request on a thing that does not exist gets, that answer must
hold nothing of the owner's, and the owner's data must be unchanged afterwards.
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability import TINY_DRAFT, png_bytes
from servers import LiveServer, live_server, server_config
from starlette.routing import Route

from vidskill.server.app import create_app

USERS = ("alice", "bob", "anon-1", "anon-2")
# Routes that name no session, asset or render: nothing of another user to reach.
UNSCOPED = {
    "POST /api/auth/anonymous-token",
    "POST /api/tasks/me/with-session/nemo_agent",
    "GET /api/credits/balance/simple",
    "GET /api/health",
    "GET /openapi.json",
}


@dataclass(frozen=True)
class Owned:
    """What one user owns: a token and the ids and names of their things."""

    token: str
    user_id: str
    session: str
    asset: str
    filename: str
    render: str

    def marks(self) -> list[str]:
        """Strings that must never reach another user."""
        return [self.user_id, self.session, self.asset, self.filename, self.render]


# One probe: (the server, who asks, the thing's owner or None for "does not exist") -> answer
Probe = Callable[[LiveServer, Owned, "Owned | None"], httpx.Response]


def _missing(asker: Owned) -> Owned:
    return Owned(
        asker.token,
        asker.user_id,
        f"sess_{secrets.token_hex(10)}",
        f"a_{secrets.token_hex(10)}",
        "none.png",
        f"render-missing-{secrets.token_hex(4)}",
    )


def _get(srv: LiveServer, asker: Owned, path: str) -> httpx.Response:
    return httpx.get(srv.url + path, headers=srv.headers(asker.token), timeout=60)


def _post(srv: LiveServer, asker: Owned, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.post(srv.url + path, headers=srv.headers(asker.token), timeout=60, **kwargs)


def state(srv: LiveServer, asker: Owned, thing: Owned | None) -> httpx.Response:
    target = thing or _missing(asker)
    return _get(srv, asker, f"/api/state/nemo_agent/me/{target.session}/latest")


def upload_file(srv: LiveServer, asker: Owned, thing: Owned | None) -> httpx.Response:
    target = thing or _missing(asker)
    files = [("files", ("intruder.png", png_bytes(9), "image/png"))]
    return _post(srv, asker, f"/api/upload-video/nemo_agent/me/{target.session}", files=files)


def upload_url(srv: LiveServer, asker: Owned, thing: Owned | None) -> httpx.Response:
    target = thing or _missing(asker)
    body = {"urls": ["http://127.0.0.1:9/intruder.png"], "source_type": "url"}
    return _post(srv, asker, f"/api/upload-video/nemo_agent/me/{target.session}", json=body)


def media(srv: LiveServer, asker: Owned, thing: Owned | None) -> httpx.Response:
    target = thing or _missing(asker)
    return _get(srv, asker, f"/api/media/{target.session}/{target.asset}")


def media_in_own_session(srv: LiveServer, asker: Owned, thing: Owned | None) -> httpx.Response:
    target = thing or _missing(asker)
    return _get(srv, asker, f"/api/media/{asker.session}/{target.asset}")


def chat(srv: LiveServer, asker: Owned, thing: Owned | None) -> httpx.Response:
    target = thing or _missing(asker)
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": target.session,
        "new_message": {"parts": [{"text": "delete everything"}]},
    }
    return _post(srv, asker, "/run_sse", json=body)


def submit(srv: LiveServer, asker: Owned, thing: Owned | None) -> httpx.Response:
    target = thing or _missing(asker)
    body = {
        "id": f"render-probe-{secrets.token_hex(4)}",
        "sessionId": target.session,
        "draft": TINY_DRAFT,
        "output": {"format": "mp4", "quality": "preview"},
    }
    return _post(srv, asker, "/api/render/proxy/lambda", json=body)


def poll(srv: LiveServer, asker: Owned, thing: Owned | None) -> httpx.Response:
    target = thing or _missing(asker)
    return _get(srv, asker, f"/api/render/proxy/lambda/{target.render}")


def download(srv: LiveServer, asker: Owned, thing: Owned | None) -> httpx.Response:
    target = thing or _missing(asker)
    return _get(srv, asker, f"/api/render/proxy/{target.render}/download")


# route -> the probes that reach it (media is tried through the owner's session and one's own)
PROBES: dict[str, tuple[Probe, ...]] = {
    "GET /api/state/nemo_agent/me/{session_id}/latest": (state,),
    "POST /api/upload-video/nemo_agent/me/{session_id}": (upload_file, upload_url),
    "GET /api/media/{session_id}/{asset_id}": (media, media_in_own_session),
    "POST /run_sse": (chat,),
    "POST /api/render/proxy/lambda": (submit,),
    "GET /api/render/proxy/lambda/{render_id}": (poll,),
    "GET /api/render/proxy/{render_id}/download": (download,),
}
# Probes whose answer must be 1002 (the others name one's own session and a foreign asset).
NOT_FOUND_1002 = {state, upload_file, upload_url, media, chat, submit, poll, download}


def _route_table(tmp_path: Path) -> set[str]:
    app = create_app(server_config(tmp_path))
    return {
        f"{method} {route.path}"
        for route in app.routes
        if isinstance(route, Route)
        for method in sorted(route.methods or ())
        if method != "HEAD"
    }


def _own(srv: LiveServer, name: str) -> Owned:
    token = srv.anonymous_token(f"client-{name}") if name.startswith("anon") else name
    headers = srv.headers(token)
    session = srv.new_session(token)
    filename = f"secret-{name}-{secrets.token_hex(3)}.png"
    files = [("files", (filename, png_bytes(len(name)), "image/png"))]
    r = httpx.post(
        f"{srv.url}/api/upload-video/nemo_agent/me/{session}", headers=headers, files=files
    )
    asset = r.json()["data"]["files"][0]["id"]
    assert srv.chat(session, "create a product showcase video with music", token).status == 200
    render = f"render-{name}"
    assert srv.submit_render(session, render, TINY_DRAFT, token).status_code == 200
    assert srv.wait_for_render(render, token)["status"] == "completed"
    user_id = srv.query("SELECT user_id FROM sessions WHERE session_id = ?", session)[0][0]
    return Owned(token, str(user_id), session, asset, filename, render)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, list[Owned]]]:
    """One server and four users who each own a session, an asset, a draft and a render."""
    with live_server(tmp_path_factory.mktemp("iso") / "data") as srv:
        yield srv, [_own(srv, name) for name in USERS]


def _snapshot(srv: LiveServer, owner: Owned) -> str:
    view = {
        "state": srv.state(owner.session, owner.token),
        "turns": srv.query("SELECT COUNT(*) FROM turns WHERE session_id = ?", owner.session),
        "credits": srv.query("SELECT * FROM credits WHERE user_id = ?", owner.user_id),
        "renders": srv.query("SELECT COUNT(*) FROM renders WHERE user_id = ?", owner.user_id),
    }
    return json.dumps(view, sort_keys=True)


def test_every_session_scoped_route_has_probes(tmp_path: Path) -> None:
    assert _route_table(tmp_path) - UNSCOPED == set(PROBES)


@pytest.mark.parametrize("route", sorted(PROBES))
def test_other_users_get_what_a_missing_id_gets(
    world: tuple[LiveServer, list[Owned]], route: str
) -> None:
    srv, users = world
    before = {u.user_id: _snapshot(srv, u) for u in users}
    pairs = 0
    for (owner, other), probe in itertools.product(itertools.permutations(users, 2), PROBES[route]):
        seen, missing = probe(srv, other, owner), probe(srv, other, None)
        where = f"{route} {probe.__name__}: {other.user_id} on {owner.user_id}'s"
        assert (seen.status_code, seen.json()) == (missing.status_code, missing.json()), where
        assert seen.status_code == 404, where
        if probe in NOT_FOUND_1002:
            assert seen.json()["code"] == 1002, where
        answer = seen.text + json.dumps(dict(seen.headers))
        assert [m for m in owner.marks() if m in answer] == [], where
        pairs += 1
    assert pairs == len(USERS) * (len(USERS) - 1) * len(PROBES[route])
    assert {u.user_id: _snapshot(srv, u) for u in users} == before
    print(f"isolation: {route}: {pairs} pairs")
