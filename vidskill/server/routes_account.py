"""Routes for accounts: anonymous tokens, credits and a health check."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vidskill import __version__
from vidskill.server import envelope
from vidskill.server import store_accounts as acc
from vidskill.server.auth import client_id_of
from vidskill.server.inputs import backend_of


def iso8601(moment: float) -> str:
    """A UTC timestamp as ISO 8601 with a `Z`."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def anonymous_token(request: Request) -> Response:
    """POST /api/auth/anonymous-token: the client's still-valid token, else a new one."""
    backend = backend_of(request)
    client_id = client_id_of(request)
    address = request.client.host if request.client else "unknown"
    grant = await backend.accounts.anonymous(client_id, address)
    return envelope.ok(
        {
            "token": grant.token,
            "user_id": grant.user_id,
            "credits": grant.credits,
            "expires_at": iso8601(grant.expires_at),
        }
    )


async def credits_balance(request: Request) -> Response:
    """GET /api/credits/balance/simple: available, frozen and their total."""
    backend = backend_of(request)
    user = await backend.accounts.authenticate(request)
    balance = await backend.db.read(acc.balance, user.user_id)
    total = balance.available + balance.frozen
    return envelope.ok({"available": balance.available, "frozen": balance.frozen, "total": total})


async def health(request: Request) -> Response:
    """GET /api/health: the backend answers (no token needed)."""
    return envelope.ok({"status": "ok", "version": __version__})


ROUTES = [
    Route("/api/auth/anonymous-token", anonymous_token, methods=["POST"]),
    Route("/api/credits/balance/simple", credits_balance, methods=["GET"]),
    Route("/api/health", health, methods=["GET"]),
]
