"""A client that leaves before its request body arrives is not a server fault."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from reliability import Served
from servers import SKILL_HEADERS, TOKENS

PATHS = ("/run_sse", "/api/render/proxy/lambda", "/api/tasks/me/with-session/nemo_agent")


def _leave_mid_body(url: str, path: str, token: str) -> None:
    parts = urlsplit(url)
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"Authorization: Bearer {token}",
        "Content-Type: application/json",
        "Content-Length: 4096",
        *(f"{name}: {value}" for name, value in SKILL_HEADERS.items()),
    ]
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + b'{"app_name": "nemo')
        time.sleep(0.2)


def test_a_client_leaving_mid_body_leaves_no_traceback(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    served = Served.start(tmp_path / "data", log)
    try:
        token = TOKENS["alice"]
        for path in (
            "/run_sse",
            "/api/render/proxy/lambda",
            "/api/tasks/me/with-session/nemo_agent",
        ):
            _leave_mid_body(served.url, path, token)
        headers = {"Authorization": f"Bearer {token}", **SKILL_HEADERS}
        answer = httpx.get(f"{served.url}/api/credits/balance/simple", headers=headers)
        assert answer.status_code == 200  # the server carries on
    finally:
        served.stop()
    assert "Traceback" not in log.read_text(errors="replace")
