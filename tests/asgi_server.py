"""Run any ASGI app on a real uvicorn server on 127.0.0.1 with a free port, in a thread.

Lifespan is off unless asked for (the local backend needs it to open its database).
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any, Literal

import uvicorn

from vidskill.server.embedded import bind


class AsgiServer:
    """A context manager: the app serves on `url` inside the block and stops after it."""

    def __init__(self, app: Any, *, lifespan: Literal["on", "off"] = "off") -> None:
        self.app = app
        self._socket = bind("127.0.0.1", 0)  # the backend's own: TCP, so Nagle is off
        config = uvicorn.Config(
            app, http="h11", ws="none", lifespan=lifespan, log_level="error", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> AsgiServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()
