"""The export workflow: check the draft, submit the render, poll it, download the MP4.

Exporting costs no credits. A draft without segments is refused with a hint. The render is
submitted with the draft read from the state just before, remembered in the session memory
until its file is saved (so an interrupted export is resumed by `vidskill export --resume`),
and polled on the backend's hint, else the skill's interval, until it completes or the polling
budget is spent. The file goes to `-o PATH` (which must not exist) or `./<title or session>.mp4`
(made unique, "name (2).mp4", rather than replacing anything).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

from vidskill import errors
from vidskill.client import Progress as ProgressCallback
from vidskill.client import RenderStatus
from vidskill.client import render as renders
from vidskill.engine.conversation import Conversation
from vidskill.engine.explain import refusal
from vidskill.engine.outputs import FileWritten, Output, Progress, Status
from vidskill.engine.progress import Box, with_progress
from vidskill.engine.session import PendingRender


def target(dest: str | None) -> str | None:
    """The absolute `-o` path, refused at once when a file is already there."""
    if not dest:
        return None
    path = Path(os.path.expanduser(dest)).absolute()
    if path.exists():
        raise errors.UsageError(f"{path} already exists; choose another output path.")
    folder = next((p for p in path.parents if p.exists()), None)
    if folder is None or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise errors.UsageError(f"Cannot write {path}: choose a folder you can write to.")
    return str(path)


async def run(
    conv: Conversation, dest: str | None = None, quality: str = "high"
) -> AsyncIterator[Output]:
    """Export the current draft to an MP4 file ("preview": a quick low-resolution render)."""
    conv.log.export_settled = True
    out = target(dest)
    await conv.read_state()
    draft, raw = conv.draft, conv.raw_draft
    if conv.session_id is None or draft is None or raw is None or not draft.has_segments:
        yield refusal("export_empty", conv.lang)
        return
    conv.log.actions.append("export")
    yield Status(conv.say("render_submitting"))
    pending = PendingRender(
        render_id="",
        session_id=conv.session_id,
        dest=out,
        title=draft.title,
        duration=draft.end_ms / 1000 if draft.end_ms else None,
        # A preview is rendered smaller by the backend's own rule: its size is not the draft's.
        width=draft.width if quality == "high" else None,
        height=draft.height if quality == "high" else None,
    )

    def note(render_id: str) -> None:
        # Remembered before it is sent: if the answer is lost, `export --resume` can still find
        # the job the backend may have stored.
        nonlocal pending
        pending = dataclasses.replace(pending, render_id=render_id)
        conv.sessions.set_pending(conv.skill.name, conv.backend_key, pending)

    try:
        status = await renders.submit(conv.api, conv.session_id, raw, quality=quality, on_id=note)
    except errors.BackendError:
        _forget(conv, pending)  # refused outright: there is nothing to resume
        raise
    async for output in finish(conv, dataclasses.replace(pending, render_id=status.id)):
        yield output


async def resume(conv: Conversation, dest: str | None = None) -> AsyncIterator[Output]:
    """Pick up the render an interrupted export left behind, and download it."""
    conv.log.export_settled = True
    pending = conv.sessions.pending(conv.skill.name, conv.backend_key)
    if pending is None:
        yield refusal("no_pending", conv.lang)
        return
    if dest:
        pending = dataclasses.replace(pending, dest=target(dest))
    conv.log.actions.append("export_resume")
    yield Status(conv.say("render_resuming", render=pending.render_id))
    async for output in finish(conv, pending):
        yield output


async def finish(conv: Conversation, pending: PendingRender) -> AsyncIterator[Output]:
    """Poll a render to its end and download it; forget it once saved, failed or gone."""
    box: Box[RenderStatus] = Box()
    try:
        async for output in _poll(conv, pending.render_id, box):
            yield output
    except errors.SessionNotFoundError as exc:
        _forget(conv, pending)
        message = f"The backend no longer knows the render {pending.render_id}."
        raise errors.RenderFailedError(message, code=exc.code, status=exc.status) from exc
    except errors.RenderFailedError:
        _forget(conv, pending)
        raise
    if not box.has_value:
        yield refusal("render_pending", conv.lang)
        return
    async for output in _save(conv, pending, box.value):
        yield output


async def _poll(
    conv: Conversation, render_id: str, box: Box[RenderStatus]
) -> AsyncIterator[Output]:
    settings = conv.settings
    label = conv.say("rendering")
    waited = 0.0
    while True:
        # With no budget, `wait` polls exactly once, raising when the render failed.
        status = await renders.wait(
            conv.api, render_id, interval=settings.poll_interval_s, budget=0.0, sleep=conv.sleep
        )
        yield Progress(label, status.progress, 100)
        if status.state == "completed":
            box.put(status)
            return
        hint = settings.poll_interval_s if status.poll_after is None else status.poll_after
        delay = max(renders.MIN_POLL_S, hint)
        if waited + delay > settings.poll_budget_s:
            return
        await conv.sleep(delay)
        waited += delay


async def _save(
    conv: Conversation, pending: PendingRender, status: RenderStatus
) -> AsyncIterator[Output]:
    on_exists: renders.OnExists = "error" if pending.dest else "rename"
    name = renders.default_filename(pending.title, pending.session_id)
    dest = Path(pending.dest) if pending.dest else Path.cwd() / name
    box: Box[Path] = Box()
    label = conv.say("downloading")

    def work(progress: ProgressCallback) -> Awaitable[Path]:
        return renders.download(conv.api, status, dest, on_exists=on_exists, progress=progress)

    async for output in with_progress(label, work, box):
        yield output
    _forget(conv, pending)
    path = box.value
    size = path.stat().st_size
    duration = status.duration if status.duration is not None else pending.duration
    conv.log.files.append(str(path))
    text = conv.say(
        "saved", path=str(path), size=f"{size / 1_000_000:.1f}", seconds=f"{duration or 0:.1f}"
    )
    yield FileWritten(str(path), size, duration, pending.width, pending.height, text)


def _forget(conv: Conversation, pending: PendingRender) -> None:
    conv.sessions.clear_pending(conv.skill.name, conv.backend_key, pending.render_id)
