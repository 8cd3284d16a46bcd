"""The Starlette application of the local backend: routes by area, lifespan, error envelopes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vidskill.server import (
    envelope,
    openapi,
    routes_account,
    routes_chat,
    routes_render,
    routes_sessions,
)
from vidskill.server.backend import Backend
from vidskill.server.config import ServerConfig
from vidskill.server.streams import quiet_deliberate_drops
from vidskill.server.turns import RunTurn


async def openapi_json(request: Request) -> Response:
    """GET /openapi.json: the REST API's OpenAPI document."""
    return JSONResponse(openapi.document())


def create_app(
    config: ServerConfig,
    *,
    clock: Callable[[], float] = time.time,
    run_turn: RunTurn | None = None,
) -> Starlette:
    """The local backend as an ASGI app; the database opens when the app starts.

    `clock` and `run_turn` (the agent) can be swapped, e.g. by tests.
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        backend = Backend.open(config, clock, run_turn)
        try:
            await backend.start()
            app.state.backend = backend
            yield
        finally:
            await backend.stop()

    if config.quirks.drop_after is not None:
        quiet_deliberate_drops()
    routes = [
        *routes_account.ROUTES,
        *routes_sessions.ROUTES,
        *routes_chat.ROUTES,
        *routes_render.ROUTES,
        Route("/openapi.json", openapi_json, methods=["GET"]),
    ]
    handlers = {
        envelope.ApiError: envelope.handle_api_error,
        HTTPException: envelope.handle_http_error,
        Exception: envelope.handle_crash,
    }
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
