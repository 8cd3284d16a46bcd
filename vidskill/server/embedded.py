"""The local backend in a background thread of this process, on 127.0.0.1 and a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType

import uvicorn

from vidskill.errors import VidskillError
from vidskill.server.app import create_app
from vidskill.server.config import ServerConfig
from vidskill.server.turns import RunTurn

START_TIMEOUT_S = 60.0


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on connections whose
    # listening socket says it is TCP; with Nagle on, every keep-alive answer written in two
    # parts waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise VidskillError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    return sock


def uvicorn_config(
    config: ServerConfig,
    clock: Callable[[], float],
    *,
    quiet: bool,
    log_level: str = "info",
    run_turn: RunTurn | None = None,
) -> uvicorn.Config:
    """uvicorn settings: no access log when quiet; the access log never shows headers."""
    return uvicorn.Config(
        create_app(config, clock=clock, run_turn=run_turn),
        loop="asyncio",
        lifespan="on",
        log_level="warning" if quiet else log_level,
        log_config=None if quiet else uvicorn.config.LOGGING_CONFIG,
        access_log=not quiet,
        timeout_graceful_shutdown=5,
        server_header=False,
    )


class EmbeddedServer:
    """Runs the backend in a daemon thread; use as a context manager and read `.url`."""

    def __init__(
        self,
        config: ServerConfig,
        *,
        clock: Callable[[], float] = time.time,
        quiet: bool = True,
        run_turn: RunTurn | None = None,
    ) -> None:
        self.config = config.replace(host="127.0.0.1")
        self._server = uvicorn.Server(
            uvicorn_config(self.config, clock, quiet=quiet, run_turn=run_turn)
        )
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:50123`."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> EmbeddedServer:
        """Start serving and wait until the backend accepts requests."""
        self._sock = bind("127.0.0.1", self.config.port)
        self.port = int(self._sock.getsockname()[1])
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name=f"vidskill-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise VidskillError("the local backend could not start; see the log above")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving, let running turns finish briefly, close the database."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
