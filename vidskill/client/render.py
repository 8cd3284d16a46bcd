"""Export helpers: a unique render id, polling on the backend's hint, a safe streamed download.

The render id is `render_<ms>`; a duplicate id (code 3001 or HTTP 409) gets a new, later id and
one more try. Polling sleeps as long as the backend hints (`Retry-After` or `poll_after_ms`),
else the skill's interval, within a budget of waiting time; a job still running when the budget
is spent is returned as it is, so the caller can offer to resume it. A download goes to a new
file and never replaces one: an existing name becomes "name (2).mp4", or an error when asked.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from vidskill import errors
from vidskill.client.api import ApiClient
from vidskill.client.caller import Sleep
from vidskill.client.models import Progress, RenderStatus

DUPLICATE_RENDER = 3001
MIN_POLL_S = 0.2  # a hint of zero must not turn polling into a busy loop
MAX_FREE_NAMES = 1000
OnExists = Literal["rename", "error"]
StatusCallback = Callable[[RenderStatus], None]

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def new_render_id(after: str | None = None, *, clock: Callable[[], float] = time.time) -> str:
    """`render_<ms>` for now, later than `after` when given (so a retry never repeats it)."""
    ms = int(clock() * 1000)
    previous = _ms(after)
    if previous is not None and ms <= previous:
        ms = previous + 1
    return f"render_{ms}"


def _ms(render_id: str | None) -> int | None:
    digits = (render_id or "").removeprefix("render_")
    return int(digits) if digits.isdigit() else None


def is_duplicate(err: errors.BackendError) -> bool:
    """True when the backend refused a render id it already knows."""
    return err.code == DUPLICATE_RENDER or err.status == 409


async def submit(
    api: ApiClient,
    session_id: str,
    draft: Mapping[str, Any],
    *,
    quality: str = "high",
    clock: Callable[[], float] = time.time,
    on_id: Callable[[str], None] | None = None,
) -> RenderStatus:
    """Submit a render under a new id; a duplicate id is replaced once. `status.id` is the id.

    `on_id` hears each id before it is sent, so a caller can remember a render whose answer is
    lost on the way back (the backend may have stored the job all the same).
    """
    render_id = new_render_id(clock=clock)
    try:
        if on_id is not None:
            on_id(render_id)
        return await api.submit_render(session_id, draft, render_id, quality=quality)
    except errors.BackendError as err:
        if not is_duplicate(err):
            raise
    retry_id = new_render_id(render_id, clock=clock)
    if on_id is not None:
        on_id(retry_id)
    return await api.submit_render(session_id, draft, retry_id, quality=quality)


async def wait(
    api: ApiClient,
    render_id: str,
    *,
    interval: float,
    budget: float,
    sleep: Sleep = asyncio.sleep,
    on_status: StatusCallback | None = None,
) -> RenderStatus:
    """Poll until the render completes; raises `RenderFailedError` when it failed.

    Sleeps the backend's hint, else `interval`, and gives up waiting once the sleeps would pass
    `budget` seconds, returning the last, unfinished status.
    """
    waited = 0.0
    while True:
        status = await api.poll_render(render_id)
        if on_status is not None:
            on_status(status)
        if status.state == "completed":
            return status
        if status.state == "failed":
            reason = status.error or "the backend gave no reason"
            message = f"The render {render_id} failed: {reason}"
            raise errors.RenderFailedError(message, data={"render_id": render_id})
        delay = max(MIN_POLL_S, interval if status.poll_after is None else status.poll_after)
        if waited + delay > budget:
            return status
        await sleep(delay)
        waited += delay


async def download(
    api: ApiClient,
    status: RenderStatus,
    dest: str | Path,
    *,
    on_exists: OnExists = "rename",
    progress: Progress | None = None,
) -> Path:
    """Download a completed render to `dest` (or a free variant of it); returns the path written.

    The file appears under its final name only when complete. `output.url` is tried first; when
    it is missing or refused, the backend's `/download` of the render id is used.
    """
    final = reserve(Path(dest), on_exists)
    part = final.with_name(f".{final.name}.part")
    try:
        part.unlink(missing_ok=True)
        await _fetch(api, status, part, progress)
        os.replace(part, final)
    except BaseException:
        part.unlink(missing_ok=True)
        final.unlink(missing_ok=True)
        raise
    return final


async def _fetch(
    api: ApiClient, status: RenderStatus, part: Path, progress: Progress | None
) -> None:
    if status.url:
        try:
            await api.download(status.url, part, progress)
            return
        except (errors.BackendError, errors.NetworkError):
            part.unlink(missing_ok=True)
    await api.download(status.id, part, progress)


def reserve(dest: Path, on_exists: OnExists = "rename") -> Path:
    """Create `dest` empty (or "name (2).ext", ...) so no one else takes it; returns it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    for candidate in _candidates(dest):
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            if on_exists == "error":
                raise errors.UsageError(
                    f"{dest} already exists; choose another output path."
                ) from None
            continue
        return candidate
    raise errors.UsageError(f"Too many files named like {dest}; choose another output path.")


def _candidates(dest: Path) -> Iterator[Path]:
    yield dest
    for n in range(2, MAX_FREE_NAMES + 1):
        yield dest.with_name(f"{dest.stem} ({n}){dest.suffix}")


def default_filename(title: str | None, session_id: str) -> str:
    """A safe file name for a render: the draft's title, else the session id, as `.mp4`."""
    for name in (title, session_id):
        cleaned = _UNSAFE.sub(" ", name or "").strip(" .")
        cleaned = re.sub(r"\s+", " ", cleaned)[:120].rstrip(" .")
        if cleaned:
            return f"{cleaned}.mp4"
    return "video.mp4"
