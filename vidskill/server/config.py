"""Settings of the local reference backend, including the hosted backend's switchable quirks."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidskill import paths
from vidskill.errors import UsageError

WEEK_S = 7 * 24 * 3600.0
MB = 1024 * 1024
_TOKEN_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class Quirks:
    """The hosted backend's documented habits, each switchable and seeded for reproducibility."""

    gui_speak: float = 0.0  # share of replies rewritten with GUI instructions
    silent_share: float = 0.3  # share of edits that end with no text
    heartbeat_s: float = 10.0  # keep-alive interval while tools run
    drop_after: int | None = None  # cut the chat stream after this many ADK events
    token_lifetime_s: float = WEEK_S  # anonymous token lifetime
    slow_tools_s: float = 0.0  # extra seconds each tool call takes
    seed: int = 0


@dataclass(frozen=True)
class NamedToken:
    """A pre-registered, non-anonymous token (for tests and private set-ups)."""

    name: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class ServerConfig:
    """Everything the local backend needs to run; build it with `ServerConfig.from_env`."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    tokens: tuple[NamedToken, ...] = ()
    named_credits: int = 1000
    anon_credits: int = 100
    anon_cap: int = 100  # new anonymous tokens per address per window
    anon_cap_window_s: float = 3600.0
    turn_cost: int = 1
    max_upload_bytes: int = 500 * MB
    max_json_bytes: int = 16 * MB
    allow_private_urls: bool = False
    render_workers: int = 1
    quirks: Quirks = Quirks()

    def __post_init__(self) -> None:
        # Stored file paths must not depend on the folder the server was started from.
        object.__setattr__(self, "data_dir", Path(self.data_dir).absolute())

    @property
    def db_path(self) -> Path:
        """The SQLite database file."""
        return self.data_dir / "vidskill.sqlite3"

    @property
    def media_dir(self) -> Path:
        """Where uploaded and generated media live, one folder per session."""
        return self.data_dir / "media"

    def session_media(self, session_id: str) -> Path:
        """The folder of one session's uploaded and generated files."""
        return self.media_dir / session_id

    @property
    def renders_dir(self) -> Path:
        """Where finished renders live, one folder per user."""
        return self.data_dir / "renders"

    def replace(self, **changes: Any) -> ServerConfig:
        """A copy with some fields changed; quirk names may be given directly."""
        quirk_names = {f.name for f in dataclasses.fields(Quirks)}
        quirk_changes = {k: changes.pop(k) for k in list(changes) if k in quirk_names}
        quirks = dataclasses.replace(self.quirks, **quirk_changes)
        return dataclasses.replace(self, quirks=quirks, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> ServerConfig:
        """Settings from `VIDSKILL_*` environment variables, then the given overrides."""
        env = os.environ if env is None else env
        base = cls(data_dir=paths.data_dir(env))
        return base.replace(**{**env_overrides(env), **overrides})


# env variable -> (field, converter)
_ENV: dict[str, tuple[str, Any]] = {
    "VIDSKILL_SERVER_TOKENS": ("tokens", lambda v: parse_tokens(v.split(","))),
    "VIDSKILL_GUI_SPEAK": ("gui_speak", float),
    "VIDSKILL_SILENT_SHARE": ("silent_share", float),
    "VIDSKILL_HEARTBEAT_S": ("heartbeat_s", float),
    "VIDSKILL_DROP_AFTER": ("drop_after", int),
    "VIDSKILL_TOKEN_LIFETIME_S": ("token_lifetime_s", float),
    "VIDSKILL_SLOW_TOOLS_S": ("slow_tools_s", float),
    "VIDSKILL_SEED": ("seed", int),
    "VIDSKILL_ANON_CAP": ("anon_cap", int),
    "VIDSKILL_ALLOW_PRIVATE_URLS": ("allow_private_urls", lambda v: v.lower() in ("1", "true")),
    "VIDSKILL_MAX_UPLOAD_MB": ("max_upload_bytes", lambda v: int(float(v) * MB)),
}


def env_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    """The settings named by `VIDSKILL_*` variables in `env`."""
    found: dict[str, Any] = {}
    for name, (key, convert) in _ENV.items():
        raw = env.get(name, "").strip()
        if not raw:
            continue
        try:
            found[key] = convert(raw)
        except ValueError as exc:
            raise UsageError(f"{name}={raw!r} is not valid: {exc}") from None
    return found


def parse_tokens(specs: list[str]) -> tuple[NamedToken, ...]:
    """Read `NAME=TOKEN` specs; names are short lower-case words, tokens at least 8 chars."""
    tokens = []
    for spec in (s.strip() for s in specs):
        if not spec:
            continue
        name, sep, token = spec.partition("=")
        if not sep or not _TOKEN_NAME.match(name):
            raise ValueError("a token is given as NAME=TOKEN, NAME in a-z 0-9 _ - (max 32)")
        if len(token) < 8 or not token.isprintable() or " " in token:
            raise ValueError(f"the token for {name!r} must be 8+ printable chars without spaces")
        tokens.append(NamedToken(name, token))
    return tuple(tokens)


def check_quirks(quirks: Quirks) -> None:
    """Refuse quirk values that make no sense, with a message naming the setting."""
    for name in ("gui_speak", "silent_share"):
        if not 0.0 <= getattr(quirks, name) <= 1.0:
            raise UsageError(f"{name} is a share between 0 and 1")
    if quirks.heartbeat_s <= 0 or quirks.token_lifetime_s <= 0 or quirks.slow_tools_s < 0:
        raise UsageError("heartbeat, token lifetime and slow-tool times must be positive")
    if quirks.drop_after is not None and quirks.drop_after < 0:
        raise UsageError("drop_after counts events: 0 or more")
