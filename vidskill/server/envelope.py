"""The REST envelope, the backend's error codes and the one exception that carries them.

Success: `{"code": 0, "message": "ok", "data": {...}}`. Errors carry the same keys with a
non-zero `code`; protocol errors that are plain HTTP statuses (400, 402, 404, 429...) use the
status itself as `code`, so a client reading `code` first still lands on the right kind.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("vidskill.server")

OK = 0
TOKEN_INVALID = 1001
SESSION_NOT_FOUND = 1002
NO_CREDITS = 2001
DUPLICATE_RENDER = 3001
DRAFT_REJECTED = 3002
RENDER_NOT_READY = 3003
UNSUPPORTED_FILE = 4001
FILE_TOO_LARGE = 4002


class ApiError(Exception):
    """A refusal the backend answers with an envelope: HTTP status, code, message, data."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.data = dict(data or {})
        self.headers = dict(headers or {})


def ok(data: Mapping[str, Any], *, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The success envelope around `data`."""
    return JSONResponse({"code": OK, "message": "ok", "data": dict(data)}, headers=headers)


def error_response(err: ApiError) -> JSONResponse:
    """The envelope for a refusal, with its HTTP status and headers."""
    body = {"code": err.code, "message": err.message, "data": err.data}
    return JSONResponse(body, status_code=err.status, headers=err.headers)


def bad_request(message: str) -> ApiError:
    """HTTP 400: a request the backend cannot read."""
    return ApiError(400, 400, message)


def token_invalid() -> ApiError:
    """1001: no token, an unknown token or an expired one (never says which)."""
    return ApiError(401, TOKEN_INVALID, "token invalid or expired; get a new anonymous token")


def session_not_found() -> ApiError:
    """1002: the same answer whether the session is missing or another user's."""
    return ApiError(404, SESSION_NOT_FOUND, "session not found")


def render_not_found() -> ApiError:
    """1002 for render jobs: missing and not-yours look the same."""
    return ApiError(404, SESSION_NOT_FOUND, "render not found")


def no_credits(user_id: str, available: int) -> ApiError:
    """2001: not enough credits; `user_id` lets the client build the bind URL."""
    data = {"user_id": user_id, "available": available}
    return ApiError(403, NO_CREDITS, "no credits left", data=data)


def plan_required() -> ApiError:
    """HTTP 402: export refused because the skill attribution headers are missing."""
    message = (
        "export needs the skill attribution headers X-Skill-Source, X-Skill-Version "
        "and X-Skill-Platform"
    )
    return ApiError(402, 402, message)


def rate_limited(retry_after: int, message: str) -> ApiError:
    """HTTP 429 with a `Retry-After` in whole seconds."""
    seconds = max(1, retry_after)
    return ApiError(429, 429, message, headers={"Retry-After": str(seconds)})


async def handle_api_error(request: Request, exc: Exception) -> Response:
    """Answer an `ApiError` with its envelope."""
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """Answer Starlette's own 404/405/413 with the envelope too."""
    assert isinstance(exc, HTTPException)
    err = ApiError(exc.status_code, exc.status_code, str(exc.detail), headers=exc.headers)
    return error_response(err)


async def handle_crash(request: Request, exc: Exception) -> Response:
    """Answer an unexpected failure with a 500 envelope; the traceback goes to the log only."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(ApiError(500, 500, "internal error"))
