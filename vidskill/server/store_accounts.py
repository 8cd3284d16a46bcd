"""Users, hashed tokens and the credit ledger (functions of an open SQLite connection).

Credits move only through the ledger: `grant` adds to available; `freeze` moves available to
frozen; `settle` moves frozen to spent; `release` moves frozen back to available. So for every
user, granted = available + frozen + spent, and the ledger rows add up to the balance row.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class User:
    """An account: anonymous (per client id) or named (pre-registered token)."""

    user_id: str
    kind: str
    client_id: str | None


@dataclass(frozen=True)
class Balance:
    """A user's credits."""

    available: int
    frozen: int
    spent: int
    granted: int


def _user(row: sqlite3.Row | None) -> User | None:
    return None if row is None else User(row["user_id"], row["kind"], row["client_id"])


def user_for_token(conn: sqlite3.Connection, token_hash: str, now: float) -> User | None:
    """The owner of a token that exists and has not expired."""
    row = conn.execute(
        "SELECT u.user_id, u.kind, u.client_id FROM tokens t JOIN users u USING (user_id)"
        " WHERE t.token_hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?)",
        (token_hash, now),
    ).fetchone()
    return _user(row)


def user_for_client(conn: sqlite3.Connection, client_id: str) -> User | None:
    """The anonymous user of a client id, if it has one."""
    row = conn.execute(
        "SELECT user_id, kind, client_id FROM users WHERE client_id = ?", (client_id,)
    ).fetchone()
    return _user(row)


def valid_anonymous_token(
    conn: sqlite3.Connection, user_id: str, now: float
) -> tuple[str, float] | None:
    """The nonce and expiry of the user's newest unexpired anonymous token."""
    row = conn.execute(
        "SELECT nonce, expires_at FROM tokens WHERE user_id = ? AND kind = 'anonymous'"
        " AND expires_at > ? ORDER BY expires_at DESC LIMIT 1",
        (user_id, now),
    ).fetchone()
    return None if row is None else (row["nonce"], row["expires_at"])


def create_user(
    conn: sqlite3.Connection,
    kind: str,
    now: float,
    *,
    client_id: str | None = None,
    name: str | None = None,
) -> User:
    """Add a user with an empty balance; named users get `user_<name>`, others a random id."""
    user_id = f"user_{name}" if name else f"anon_{secrets.token_hex(8)}"
    conn.execute(
        "INSERT INTO users (user_id, kind, name, client_id, created_at) VALUES (?, ?, ?, ?, ?)",
        (user_id, kind, name, client_id, now),
    )
    conn.execute(
        "INSERT INTO credits (user_id, available, frozen, spent, granted) VALUES (?, 0, 0, 0, 0)",
        (user_id,),
    )
    return User(user_id, kind, client_id)


def named_user(conn: sqlite3.Connection, name: str) -> User | None:
    """The named user `user_<name>`, if it exists."""
    row = conn.execute(
        "SELECT user_id, kind, client_id FROM users WHERE user_id = ?", (f"user_{name}",)
    ).fetchone()
    return _user(row)


def add_token(
    conn: sqlite3.Connection,
    token_hash: str,
    user_id: str,
    kind: str,
    now: float,
    *,
    nonce: str | None = None,
    expires_at: float | None = None,
) -> None:
    """Store a token by its hash (the token itself is never stored)."""
    conn.execute(
        "INSERT OR REPLACE INTO tokens (token_hash, user_id, kind, nonce, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (token_hash, user_id, kind, nonce, now, expires_at),
    )


def drop_named_tokens(conn: sqlite3.Connection) -> None:
    """Forget every named token; the configured ones are added again at start."""
    conn.execute("DELETE FROM tokens WHERE kind = 'named'")


def anonymous_issues_since(conn: sqlite3.Connection, address: str, since: float) -> list[float]:
    """When new anonymous tokens were issued to an address since a moment, oldest first."""
    rows = conn.execute(
        "SELECT at FROM anon_issues WHERE address = ? AND at > ? ORDER BY at", (address, since)
    ).fetchall()
    return [float(r["at"]) for r in rows]


def record_anonymous_issue(conn: sqlite3.Connection, address: str, now: float) -> None:
    """Count a new anonymous token against an address (old rows are pruned as we go)."""
    conn.execute("DELETE FROM anon_issues WHERE at < ?", (now - 7 * 24 * 3600,))
    conn.execute("INSERT INTO anon_issues (address, at) VALUES (?, ?)", (address, now))


def balance(conn: sqlite3.Connection, user_id: str) -> Balance:
    """A user's credit balance."""
    row = conn.execute(
        "SELECT available, frozen, spent, granted FROM credits WHERE user_id = ?", (user_id,)
    ).fetchone()
    if row is None:
        return Balance(0, 0, 0, 0)
    return Balance(row["available"], row["frozen"], row["spent"], row["granted"])


def _ledger(
    conn: sqlite3.Connection, user_id: str, kind: str, amount: int, ref: str, now: float
) -> None:
    conn.execute(
        "INSERT INTO ledger (user_id, kind, amount, ref, at) VALUES (?, ?, ?, ?, ?)",
        (user_id, kind, amount, ref, now),
    )


def grant(conn: sqlite3.Connection, user_id: str, amount: int, ref: str, now: float) -> None:
    """Add credits to a user's available balance."""
    conn.execute(
        "UPDATE credits SET available = available + ?, granted = granted + ? WHERE user_id = ?",
        (amount, amount, user_id),
    )
    _ledger(conn, user_id, "grant", amount, ref, now)


def freeze(conn: sqlite3.Connection, user_id: str, amount: int, ref: str, now: float) -> bool:
    """Hold credits for a turn; False when fewer than `amount` are available."""
    cur = conn.execute(
        "UPDATE credits SET available = available - ?, frozen = frozen + ?"
        " WHERE user_id = ? AND available >= ?",
        (amount, amount, user_id, amount),
    )
    if cur.rowcount != 1:
        return False
    _ledger(conn, user_id, "freeze", amount, ref, now)
    return True


def settle(conn: sqlite3.Connection, user_id: str, amount: int, ref: str, now: float) -> None:
    """Charge held credits: frozen becomes spent."""
    conn.execute(
        "UPDATE credits SET frozen = frozen - ?, spent = spent + ? WHERE user_id = ?",
        (amount, amount, user_id),
    )
    _ledger(conn, user_id, "settle", amount, ref, now)


def release(conn: sqlite3.Connection, user_id: str, amount: int, ref: str, now: float) -> None:
    """Give held credits back: frozen becomes available again."""
    conn.execute(
        "UPDATE credits SET frozen = frozen - ?, available = available + ? WHERE user_id = ?",
        (amount, amount, user_id),
    )
    _ledger(conn, user_id, "release", amount, ref, now)


def ledger_sums(conn: sqlite3.Connection, user_id: str) -> dict[str, int]:
    """The sum of each kind of ledger row for a user (grant, freeze, settle, release)."""
    rows = conn.execute(
        "SELECT kind, SUM(amount) AS total FROM ledger WHERE user_id = ? GROUP BY kind",
        (user_id,),
    ).fetchall()
    sums = {"grant": 0, "freeze": 0, "settle": 0, "release": 0}
    sums.update({r["kind"]: int(r["total"]) for r in rows})
    return sums
