"""The local backend's one SQLite database: schema, connections and short transactions.

Every call from the event loop goes through a worker thread (`Database.read`/`write`): commits
run with `synchronous=FULL`, so a commit waits for fsync and a WAL checkpoint can take tens of
milliseconds, which would stall every open chat stream if it ran on the loop. WAL lets readers
run beside the one writer; each worker thread borrows a pooled connection for one transaction.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread

T = TypeVar("T")

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  user_id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT, client_id TEXT UNIQUE,
  created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(user_id),
  kind TEXT NOT NULL, nonce TEXT, created_at REAL NOT NULL, expires_at REAL);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens(user_id);
CREATE TABLE IF NOT EXISTS anon_issues (address TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS anon_issues_address ON anon_issues(address, at);
CREATE TABLE IF NOT EXISTS credits (
  user_id TEXT PRIMARY KEY REFERENCES users(user_id), available INTEGER NOT NULL,
  frozen INTEGER NOT NULL, spent INTEGER NOT NULL, granted INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ledger (
  id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, kind TEXT NOT NULL, amount INTEGER NOT NULL,
  ref TEXT, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  session_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, task_name TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(user_id), language TEXT NOT NULL,
  skill_source TEXT, skill_version TEXT, skill_platform TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS assets (
  asset_id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(session_id),
  filename TEXT NOT NULL, file_type TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,
  width INTEGER, height INTEGER, duration REAL, text TEXT, generated INTEGER NOT NULL,
  created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS assets_session ON assets(session_id);
CREATE TABLE IF NOT EXISTS drafts (
  session_id TEXT NOT NULL REFERENCES sessions(session_id), version INTEGER NOT NULL,
  draft TEXT NOT NULL, turn_id INTEGER, created_at REAL NOT NULL,
  PRIMARY KEY (session_id, version));
CREATE TABLE IF NOT EXISTS turns (
  turn_id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, number INTEGER NOT NULL,
  invocation_id TEXT NOT NULL, message TEXT NOT NULL, message_sha256 TEXT NOT NULL,
  status TEXT NOT NULL, cost INTEGER NOT NULL, error TEXT, started_at REAL NOT NULL,
  ended_at REAL);
CREATE INDEX IF NOT EXISTS turns_session ON turns(session_id);
CREATE TABLE IF NOT EXISTS renders (
  user_id TEXT NOT NULL, render_id TEXT NOT NULL, job_key TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL, status TEXT NOT NULL, progress INTEGER NOT NULL,
  draft TEXT NOT NULL, quality TEXT NOT NULL, output_path TEXT NOT NULL, duration REAL,
  size INTEGER, error TEXT, skill_source TEXT, skill_version TEXT, skill_platform TEXT,
  attempts INTEGER NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
  PRIMARY KEY (user_id, render_id));
CREATE INDEX IF NOT EXISTS renders_status ON renders(status);
"""


def connect(path: Path) -> sqlite3.Connection:
    """Open the database in WAL mode with autocommit, so transactions are explicit."""
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _bind(
    fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Callable[[sqlite3.Connection], T]:
    return lambda conn: fn(conn, *args, **kwargs)


class Database:
    """A pool of connections to one SQLite file; `read`/`write` run a function in a thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        with self._borrow() as conn:
            conn.executescript(SCHEMA)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def _borrow(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self._open()
        try:
            yield conn
        finally:
            self._idle.put(conn)

    def _open(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise RuntimeError("the database is closed")
            conn = connect(self.path)
            self._all.append(conn)
            return conn

    def write_now(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(conn, *args, **kwargs)` in one write transaction in this thread."""
        return self._transaction("BEGIN IMMEDIATE", _bind(fn, args, kwargs))

    def read_now(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(conn, *args, **kwargs)` in one read transaction in this thread."""
        return self._transaction("BEGIN", _bind(fn, args, kwargs))

    def _transaction(self, begin: str, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._borrow() as conn:
            conn.execute(begin)
            try:
                result = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(conn, *args, **kwargs)` in one write transaction in a worker thread."""
        call = _bind(fn, args, kwargs)
        return await anyio.to_thread.run_sync(self._transaction, "BEGIN IMMEDIATE", call)

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(conn, *args, **kwargs)` in one read transaction in a worker thread."""
        call = _bind(fn, args, kwargs)
        return await anyio.to_thread.run_sync(self._transaction, "BEGIN", call)

    def close(self) -> None:
        """Close every connection; later calls fail."""
        with self._lock:
            self._closed = True
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
