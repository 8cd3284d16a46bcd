"""Load clients for the crash and soak tests: simulated users who record what was acknowledged.

acked, stop = Acked(), asyncio.Event()
calls = await drive(url, ["client-1", "client-2"], acked, stop, seed=1)
unsettled_renders(url, acked)   # [] once every acknowledged render has ended
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass

import httpx
from reliability import TINY_DRAFT, Acked, auth, png_bytes
from servers import SKILL_HEADERS

CHAT_MESSAGES = (
    "create a product showcase video with music",
    "turn my photos into a slideshow, 3 seconds per photo, no music",
    "make a promo video with upbeat music",
    "a slideshow with captions please",
)
# action -> weight in the mix of a load client
MIX = {"upload": 3, "chat": 3, "state": 4, "credits": 2, "render": 1}


@dataclass
class LoadClient:
    """One simulated user: an anonymous token, one session, and a random mix of calls."""

    http: httpx.AsyncClient
    client_id: str
    acked: Acked
    rng: random.Random
    token: str = ""
    session: str = ""
    count: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Call the server until `stop` is set or the server goes away."""
        try:
            await self._setup()
            while not stop.is_set():
                name = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
                self.count += 1
                await getattr(self, f"_{name}")()
        except httpx.TransportError:
            return  # the server was killed under us: whatever was not acknowledged may be gone

    def _seen(self, r: httpx.Response) -> bool:
        if r.status_code >= 500:
            self.acked.server_errors.append(f"{r.request.method} {r.request.url.path}: {r.text}")
        return r.status_code == 200

    def _headers(self) -> dict[str, str]:
        return {**SKILL_HEADERS, "Authorization": f"Bearer {self.token}"}

    async def _setup(self) -> None:
        r = await self.http.post(
            "/api/auth/anonymous-token", headers={"X-Client-Id": self.client_id}
        )
        if not self._seen(r):
            raise AssertionError(f"no token for {self.client_id}: {r.status_code} {r.text}")
        self.token = self.acked.tokens[self.client_id] = r.json()["data"]["token"]
        mine = [s for s, c in self.acked.sessions.items() if c == self.client_id]
        if mine:
            self.session = mine[0]
            return
        r = await self.http.post(
            "/api/tasks/me/with-session/nemo_agent", headers=self._headers(), json={}
        )
        if self._seen(r):
            self.session = r.json()["data"]["session_id"]
            self.acked.sessions[self.session] = self.client_id

    async def _upload(self) -> None:
        name = f"photo{self.count}.png"
        files = [("files", (name, png_bytes(self.rng.randrange(1000)), "image/png"))]
        path = f"/api/upload-video/nemo_agent/me/{self.session}"
        r = await self.http.post(path, headers=self._headers(), files=files)
        if self._seen(r):
            for item in r.json()["data"]["files"]:
                self.acked.assets[item["id"]] = self.session

    async def _chat(self) -> None:
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": self.session,
            "new_message": {"parts": [{"text": self.rng.choice(CHAT_MESSAGES)}]},
        }
        async with self.http.stream("POST", "/run_sse", json=body, headers=self._headers()) as r:
            async for _ in r.aiter_lines():
                pass
            self._seen(r)
        await self._state()

    async def _state(self) -> None:
        r = await self.http.get(
            f"/api/state/nemo_agent/me/{self.session}/latest", headers=self._headers()
        )
        if self._seen(r):
            draft = r.json()["data"]["state"]["draft"]
            if draft.get("t"):
                self.acked.drafts.append((self.session, json.dumps(draft, ensure_ascii=False)))

    async def _credits(self) -> None:
        self._seen(await self.http.get("/api/credits/balance/simple", headers=self._headers()))

    async def _render(self) -> None:
        render_id = f"r-{self.client_id}-{self.count}"
        body = {
            "id": render_id,
            "sessionId": self.session,
            "draft": TINY_DRAFT,
            "output": {"format": "mp4", "quality": "preview"},
        }
        r = await self.http.post("/api/render/proxy/lambda", headers=self._headers(), json=body)
        if self._seen(r):
            self.acked.renders[render_id] = self.client_id


async def drive(
    url: str, client_ids: list[str], acked: Acked, stop: asyncio.Event, seed: int
) -> int:
    """Run one load client per id until `stop` is set or the server dies; returns calls made."""
    limits = httpx.Limits(max_connections=len(client_ids) + 5)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        clients = [
            LoadClient(http, cid, acked, random.Random(f"{seed}:{cid}")) for cid in client_ids
        ]
        await asyncio.gather(*(c.run(stop) for c in clients))
    return sum(c.count for c in clients)


def unsettled_renders(url: str, acked: Acked, limit_s: float = 120.0) -> list[str]:
    """Poll every acknowledged render until it ends; the ids still pending or processing."""
    deadline = time.monotonic() + limit_s
    waiting = dict(acked.renders)
    while waiting and time.monotonic() < deadline:
        for render_id, client_id in list(waiting.items()):
            r = httpx.get(
                f"{url}/api/render/proxy/lambda/{render_id}",
                headers=auth(acked.tokens[client_id]),
                timeout=30,
            )
            if r.status_code >= 500:
                acked.server_errors.append(f"poll {render_id}: {r.text}")
            if r.json().get("status") in ("completed", "failed") or r.status_code != 200:
                waiting.pop(render_id)
        time.sleep(0.5)
    return sorted(waiting)
