"""The backend's answers as frozen values, read tolerantly from the wire shapes of PROTOCOL.md §2.

Missing keys become None or empty, unknown keys are ignored, and numbers sent as strings are
read; nothing here raises on an odd answer.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# (bytes done, bytes in all or None when unknown)
Progress = Callable[[int, int | None], None]

RenderState = Literal["pending", "processing", "completed", "failed", "unknown"]
# Whole numbers beyond this are nonsense on the wire and would overflow float arithmetic.
_MAX_WHOLE = 2**63

_RENDER_STATES: dict[str, RenderState] = {
    **dict.fromkeys(("pending", "queued", "waiting", "submitted", "created"), "pending"),
    **dict.fromkeys(("processing", "running", "rendering", "in_progress"), "processing"),
    **dict.fromkeys(("completed", "complete", "success", "succeeded", "done"), "completed"),
    **dict.fromkeys(("failed", "failure", "error", "cancelled", "canceled"), "failed"),
}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _num(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, int):
        return value if -_MAX_WHOLE < value < _MAX_WHOLE else None
    return value if isinstance(value, float) and math.isfinite(value) else None


def _int(value: object) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def _mapping(value: object) -> Mapping[str, Any] | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value if isinstance(value, Mapping) else None


@dataclass(frozen=True)
class Session:
    """A chat session (and the task it belongs to)."""

    session_id: str
    task_id: str | None = None
    user_id: str | None = None

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Session:
        """Read the create-session answer."""
        sid = _str(data.get("session_id")) or _str(data.get("sessionId")) or ""
        task = _str(data.get("task_id")) or _str(data.get("taskId"))
        return cls(session_id=sid, task_id=task, user_id=_str(data.get("user_id")))


@dataclass(frozen=True)
class Credits:
    """The credit balance; `total` is available plus frozen."""

    available: float
    frozen: float
    total: float

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Credits:
        """Read the balance answer, computing whatever is missing."""
        available = _num(data.get("available")) or 0
        frozen = _num(data.get("frozen")) or 0
        total = _num(data.get("total"))
        return cls(available, frozen, available + frozen if total is None else total)


@dataclass(frozen=True)
class Asset:
    """An uploaded or generated media file of the session."""

    id: str
    filename: str | None = None
    file_type: str | None = None
    url: str | None = None
    cdn_url: str | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None

    @classmethod
    def from_wire(cls, data: object) -> Asset | None:
        """Read one asset; None when it is not an object."""
        if not isinstance(data, Mapping):
            return None
        return cls(
            id=_str(data.get("id")) or _str(data.get("asset_id")) or "",
            filename=_str(data.get("filename")) or _str(data.get("name")),
            file_type=_str(data.get("file_type")) or _str(data.get("type")),
            url=_str(data.get("url")),
            cdn_url=_str(data.get("cdn_url")),
            size=_int(data.get("size")),
            width=_int(data.get("width")),
            height=_int(data.get("height")),
            duration=_num(data.get("duration")),
        )


def _assets(value: object) -> tuple[Asset, ...]:
    items = value if isinstance(value, list) else []
    return tuple(a for a in (Asset.from_wire(item) for item in items) if a is not None)


@dataclass(frozen=True)
class UploadResult:
    """The assets an upload added to the session."""

    files: tuple[Asset, ...]
    state_applied: bool

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> UploadResult:
        """Read the upload answer."""
        return cls(_assets(data.get("files")), data.get("session_state_applied") is True)


@dataclass(frozen=True)
class SessionState:
    """The latest state of a session: its draft (raw, for the timeline model) and media."""

    session_id: str | None
    task_id: str | None
    draft: Mapping[str, Any] | None
    assets: tuple[Asset, ...] = ()
    generated_media: tuple[Mapping[str, Any], ...] = ()
    canvas: Mapping[str, Any] | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> SessionState:
        """Read the state answer; a draft sent as a JSON string is decoded."""
        state = _mapping(data.get("state")) or {}
        media = state.get("generated_media")
        return cls(
            session_id=_str(data.get("session_id")),
            task_id=_str(data.get("task_id")),
            draft=_mapping(state.get("draft")),
            assets=_assets(state.get("video_infos")),
            generated_media=tuple(m for m in media if isinstance(m, Mapping))
            if isinstance(media, list)
            else (),
            canvas=_mapping(state.get("canvas_config")),
            raw=state,
        )


@dataclass(frozen=True)
class RenderStatus:
    """Where a render job stands; `poll_after` is the backend's hint in seconds, if any."""

    id: str
    state: RenderState
    progress: int = 0
    url: str | None = None
    duration: float | None = None
    size: int | None = None
    error: str | None = None
    poll_after: float | None = None

    @property
    def finished(self) -> bool:
        """True once the job completed or failed."""
        return self.state in ("completed", "failed")

    @classmethod
    def from_wire(
        cls, data: Mapping[str, Any], *, render_id: str, retry_after: float | None = None
    ) -> RenderStatus:
        """Read either poll shape: `output: {url, ...}` or the older flat `outputUrl`."""
        output = _mapping(data.get("output")) or {}
        raw_state = (_str(data.get("status")) or "").lower()
        hint_ms = _num(data.get("poll_after_ms"))
        progress = _num(data.get("progress")) or 0
        url = _str(output.get("url")) or _str(data.get("outputUrl")) or _str(data.get("output_url"))
        return cls(
            id=_str(data.get("id")) or render_id,
            state=_RENDER_STATES.get(raw_state, "unknown"),
            progress=max(0, min(100, round(progress))),
            url=url,
            duration=_num(output.get("duration")),
            size=_int(output.get("size")),
            error=_message(data.get("error")),
            poll_after=retry_after if retry_after is not None else _seconds(hint_ms),
        )


def _message(error: object) -> str | None:
    if isinstance(error, Mapping):
        return _str(error.get("message"))
    return _str(error)


def _seconds(ms: float | None) -> float | None:
    return None if ms is None or ms < 0 else ms / 1000
