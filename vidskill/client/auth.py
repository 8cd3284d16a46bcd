"""The client id and the token: where they come from, where they are kept, how they are hidden.

Client id (PROTOCOL.md §5, no secret): `NEMO_CLIENT_ID`, else `~/.config/nemovideo/client_id`,
else a new UUID written there. Token: `NEMO_TOKEN`, else the anonymous token cached for the API
base in vidskill's config dir (`tokens.json`, 0600) until shortly before it expires. A token is
held in a `Secret`, which shows as `***` wherever it is printed, formatted or logged.
"""

from __future__ import annotations

import hmac
import json
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from vidskill import paths

# A cached token this close to its expiry is not used any more.
EXPIRY_MARGIN = timedelta(minutes=5)
MAX_CLIENT_ID = 64


class Secret:
    """A secret string that shows as *** in repr, str and format; `reveal()` gives the value."""

    __slots__ = ("_value",)
    _value: str

    def __init__(self, value: str) -> None:
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        """The secret itself, for the one header that needs it."""
        return self._value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Secret cannot be changed")

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, spec: str) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True)
class Token:
    """A bearer token; `anonymous` tokens can be renewed for the same client id."""

    secret: Secret
    user_id: str | None = None
    expires_at: datetime | None = None
    anonymous: bool = True

    def usable(self, now: datetime) -> bool:
        """True unless the token expires within the safety margin."""
        return self.expires_at is None or self.expires_at - EXPIRY_MARGIN > now

    @classmethod
    def from_anonymous(cls, data: Mapping[str, Any]) -> Token | None:
        """Read the anonymous-token answer; None when it holds no token."""
        value = data.get("token")
        if not isinstance(value, str) or not value:
            return None
        user_id = data.get("user_id")
        return cls(
            Secret(value),
            user_id=user_id if isinstance(user_id, str) else None,
            expires_at=parse_time(data.get("expires_at")),
        )


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time (or epoch seconds) as an aware datetime; None when unreadable."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str) and value:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


class TokenSource(Protocol):
    """Where the API client gets its token and client id, and keeps renewed ones."""

    @property
    def token_from_env(self) -> bool:
        """True when the token is the user's `NEMO_TOKEN`, which is never replaced."""

    @property
    def client_id_from_env(self) -> bool:
        """True when the client id is the user's `NEMO_CLIENT_ID`, which is never replaced."""

    def current(self) -> Token | None:
        """The token to use now, or None when a new anonymous one is needed."""

    def save(self, token: Token) -> None:
        """Keep a new anonymous token."""

    def forget(self) -> None:
        """Drop the cached anonymous token (the backend refused it)."""

    def client_id(self) -> str:
        """The client id for the anonymous-token request."""

    def new_client_id(self) -> str:
        """Make, keep and return a fresh client id."""


class TokenStore:
    """The file-backed `TokenSource`: env first, then files under the user's config folders."""

    def __init__(
        self,
        api_base: str,
        *,
        env: Mapping[str, str] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._env: Mapping[str, str] = dict(os.environ) if env is None else env
        self._key = api_base.rstrip("/")
        self._now = now or (lambda: datetime.now(UTC))
        self._client_id: str | None = None
        self.tokens_file = paths.config_dir(self._env) / "tokens.json"
        self.client_id_file = paths.nemovideo_client_id_file(self._env)

    def __repr__(self) -> str:
        return f"TokenStore({self._key!r})"

    @property
    def token_from_env(self) -> bool:
        """True when the token is the user's `NEMO_TOKEN`, which is never replaced."""
        return bool(self._env.get("NEMO_TOKEN", "").strip())

    @property
    def client_id_from_env(self) -> bool:
        """True when the client id is the user's `NEMO_CLIENT_ID`, which is never replaced."""
        return bool(self._env.get("NEMO_CLIENT_ID", "").strip())

    def current(self) -> Token | None:
        """`NEMO_TOKEN`, else the cached anonymous token while it is still usable."""
        if self.token_from_env:
            return Token(Secret(self._env["NEMO_TOKEN"].strip()), anonymous=False)
        entry = self._read().get(self._key)
        token = Token.from_anonymous(entry) if isinstance(entry, Mapping) else None
        return token if token is not None and token.usable(self._now()) else None

    def save(self, token: Token) -> None:
        """Cache an anonymous token for this API base in the 0600 tokens file."""
        if not token.anonymous:
            return
        entries = self._read()
        entries[self._key] = {
            "token": token.secret.reveal(),
            "user_id": token.user_id,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            "client_id": self.client_id(),
        }
        paths.write_private(self.tokens_file, json.dumps(entries, indent=2, sort_keys=True))

    def forget(self) -> None:
        """Drop the cached anonymous token of this API base."""
        entries = self._read()
        if entries.pop(self._key, None) is not None:
            paths.write_private(self.tokens_file, json.dumps(entries, indent=2, sort_keys=True))

    def client_id(self) -> str:
        """`NEMO_CLIENT_ID`, else the shared client id file, else a new id written there."""
        if self.client_id_from_env:
            return self._env["NEMO_CLIENT_ID"].strip()
        if self._client_id is None:
            self._client_id = self._read_client_id() or self.new_client_id()
        return self._client_id

    def new_client_id(self) -> str:
        """Write a fresh UUID to the client id file and use it from now on."""
        self._client_id = str(uuid.uuid4())
        paths.write_private(self.client_id_file, self._client_id + "\n")
        return self._client_id

    def _read_client_id(self) -> str | None:
        try:
            text = self.client_id_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return text if 0 < len(text) <= MAX_CLIENT_ID and text.isprintable() else None

    def _read(self) -> dict[str, Any]:
        try:
            loaded = json.loads(Path(self.tokens_file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}
