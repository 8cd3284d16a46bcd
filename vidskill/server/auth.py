"""Accounts and tokens: anonymous tokens per client id, named tokens, bearer authentication.

Tokens are stored only as SHA-256 hashes. An anonymous token is an HMAC of the client id and a
stored random nonce under the server's secret key, so asking again for a client id that still
has a valid token gives back the same token without the token ever being stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request

from vidskill import paths
from vidskill.server import envelope
from vidskill.server import store_accounts as acc
from vidskill.server.config import ServerConfig
from vidskill.server.store import Database

SECRET_FILE = "server.key"


def load_secret(data_dir: Path) -> bytes:
    """The server's HMAC key, created (0600) on first use."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        paths.write_private(path, secrets.token_hex(32))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def derive_token(secret: bytes, client_id: str, nonce: str) -> str:
    """The anonymous token for a client id and nonce."""
    mac = hmac.new(secret, f"{client_id}\0{nonce}".encode(), hashlib.sha256).digest()
    return "vst_" + base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def client_id_of(request: Request) -> str:
    """The request's `X-Client-Id`, or HTTP 400 when it is missing or malformed."""
    client_id = request.headers.get("x-client-id", "").strip()
    if not client_id:
        raise envelope.bad_request("the X-Client-Id header is required")
    if len(client_id) > 64 or not client_id.isprintable():
        raise envelope.bad_request("X-Client-Id must be at most 64 printable characters")
    return client_id


@dataclass(frozen=True)
class AnonymousGrant:
    """An anonymous token handed to a client."""

    token: str = field(repr=False)
    user_id: str
    expires_at: float
    credits: int


class Accounts:
    """Issues and checks tokens against the database."""

    def __init__(self, db: Database, config: ServerConfig, clock: Callable[[], float]) -> None:
        self.db = db
        self.config = config
        self.clock = clock
        self.secret = load_secret(config.data_dir)

    def register_named_tokens(self) -> None:
        """Make exactly the configured named tokens valid, creating their users once."""
        self.db.write_now(self._register_named)

    def _register_named(self, conn: sqlite3.Connection) -> None:
        now = self.clock()
        acc.drop_named_tokens(conn)
        for named in self.config.tokens:
            user = acc.named_user(conn, named.name)
            if user is None:
                user = acc.create_user(conn, "named", now, name=named.name)
                acc.grant(conn, user.user_id, self.config.named_credits, "welcome", now)
            acc.add_token(conn, hash_token(named.token), user.user_id, "named", now)

    async def anonymous(self, client_id: str, address: str) -> AnonymousGrant:
        """The still-valid token of a client id, else a new one (429 past the address cap)."""
        return await self.db.write(self._anonymous, client_id, address, self.clock())

    def _anonymous(
        self, conn: sqlite3.Connection, client_id: str, address: str, now: float
    ) -> AnonymousGrant:
        user = acc.user_for_client(conn, client_id)
        valid = acc.valid_anonymous_token(conn, user.user_id, now) if user else None
        if user is None or valid is None:
            self._check_cap(conn, address, now)
            if user is None:
                user = acc.create_user(conn, "anonymous", now, client_id=client_id)
                acc.grant(conn, user.user_id, self.config.anon_credits, "welcome", now)
            valid = self._issue(conn, user.user_id, client_id, address, now)
        nonce, expires_at = valid
        token = derive_token(self.secret, client_id, nonce)
        credits = acc.balance(conn, user.user_id).available
        return AnonymousGrant(token, user.user_id, expires_at, credits)

    def _issue(
        self, conn: sqlite3.Connection, user_id: str, client_id: str, address: str, now: float
    ) -> tuple[str, float]:
        nonce, expires_at = secrets.token_hex(16), now + self.config.quirks.token_lifetime_s
        token_hash = hash_token(derive_token(self.secret, client_id, nonce))
        acc.add_token(
            conn, token_hash, user_id, "anonymous", now, nonce=nonce, expires_at=expires_at
        )
        acc.record_anonymous_issue(conn, address, now)
        return nonce, expires_at

    def _check_cap(self, conn: sqlite3.Connection, address: str, now: float) -> None:
        window = self.config.anon_cap_window_s
        issued = acc.anonymous_issues_since(conn, address, now - window)
        if len(issued) >= self.config.anon_cap:
            wait = issued[len(issued) - self.config.anon_cap] + window - now
            raise envelope.rate_limited(
                int(wait) + 1, "too many new anonymous tokens from this address; retry later"
            )

    async def authenticate(self, request: Request) -> acc.User:
        """The user behind the request's bearer token, or 1001."""
        token = bearer_token(request)
        if token is None:
            raise envelope.token_invalid()
        user = await self.db.read(acc.user_for_token, hash_token(token), self.clock())
        if user is None:
            raise envelope.token_invalid()
        return user
