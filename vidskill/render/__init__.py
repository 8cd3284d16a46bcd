"""The local renderer: a draft (DRAFT.md) to an H.264/AAC MP4, plus music and speech.

Importing this package is cheap: numpy, OpenCV and PyAV load on the first render.

    render(RenderRequest(draft, assets, "out.mp4")) -> RenderResult   in this process
    RenderQueue(workers=1).submit(job_id, request); .poll(job_id)     in worker processes
    validate_draft(draft, asset_ids)                                  cheap check, no rendering
"""

from __future__ import annotations

from collections.abc import Callable

from vidskill.render.jobs import RenderQueue
from vidskill.render.model import (
    MOODS,
    DraftRejected,
    JobStatus,
    RenderError,
    RenderRequest,
    RenderResult,
)
from vidskill.render.validate import validate_draft

__all__ = [
    "MOODS",
    "DraftRejected",
    "JobStatus",
    "RenderError",
    "RenderQueue",
    "RenderRequest",
    "RenderResult",
    "render",
    "validate_draft",
]


def render(req: RenderRequest, progress: Callable[[float], None] | None = None) -> RenderResult:
    """Render a draft to an MP4 file in this process; `progress` hears 0 to 1."""
    from vidskill.render.pipeline import render as run

    return run(req, progress)
