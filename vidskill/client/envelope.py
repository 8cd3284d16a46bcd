"""The REST envelope of PROTOCOL.md §1: success data out of every accepted shape, errors by code.

Accepted: `{"code": 0, "message": "ok", "data": {...}}`, `{"success": true, "data": {...}}` and
a bare object. A refusal is decided by a non-zero `code` first (also inside FastAPI's
`detail`), then by an HTTP status of 300 or more, then by `"success": false`.
"""

from __future__ import annotations

import email.utils
import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from vidskill import errors


def parse_json(content: bytes) -> object | None:
    """The JSON value of a body, or None when it is not JSON."""
    if not content.strip():
        return None
    try:
        value: object = json.loads(content)
    except (ValueError, RecursionError):
        return None
    return value


def _as_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def code_of(body: object) -> int | None:
    """The business `code` of a body, looking inside FastAPI's `detail` too."""
    if not isinstance(body, Mapping):
        return None
    code = _as_code(body.get("code"))
    detail = body.get("detail")
    if code is None and isinstance(detail, Mapping):
        code = _as_code(detail.get("code"))
    return code


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, Mapping):
        return _text(value.get("message")) or _text(value.get("msg"))
    if isinstance(value, list):
        texts = [t for t in (_text(item) for item in value) if t]
        return "; ".join(texts) or None
    return None


def message_of(body: object, status: int) -> str:
    """The backend's explanation of a refusal, or the HTTP reason phrase."""
    if isinstance(body, Mapping):
        for key in ("message", "msg", "detail", "error"):
            found = _text(body.get(key))
            if found and found.lower() != "ok":
                return found
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def refused(status: int, body: object) -> bool:
    """True when the answer is a refusal rather than a success."""
    code = code_of(body)
    if code:
        return True
    if status >= 300:  # redirects are not followed for API calls: say so rather than misread
        return True
    return isinstance(body, Mapping) and body.get("success") is False


def error_for(
    status: int,
    body: object,
    headers: Mapping[str, str],
    *,
    hide: tuple[str, ...] = (),
) -> errors.BackendError | None:
    """The typed error for a refusal (None for a success); `hide` strings never reach it."""
    if not refused(status, body):
        return None
    message = message_of(body, status)
    for secret in hide:
        if secret:
            message = message.replace(secret, "***")
    data = body.get("data") if isinstance(body, Mapping) else None
    err = errors.backend_error(
        message,
        code=code_of(body) or None,
        status=status,
        data=dict(data) if isinstance(data, Mapping) else {},
    )
    if isinstance(err, errors.RateLimitError):
        err.retry_after = retry_after(headers)
    return err


def unwrap(body: object) -> dict[str, Any]:
    """The success `data` of any accepted envelope."""
    if not isinstance(body, Mapping):
        raise errors.BackendError("The backend sent an answer this runtime cannot read.")
    if ("code" in body or "success" in body) and "data" in body:
        data = body["data"]
        if data is None:
            return {}
        if not isinstance(data, Mapping):
            raise errors.BackendError("The backend sent data this runtime cannot read.")
        return dict(data)
    return dict(body)


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date), if any."""
    raw = (headers.get("retry-after") or "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        return _seconds_until(raw, now or datetime.now(UTC))
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _seconds_until(http_date: str, now: datetime) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
