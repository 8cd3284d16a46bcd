"""draft -> MP4: composition on a small thread pool overlapped with encoding.

The calling thread looks frames up in order and feeds the encoder; up to `DEPTH` frames are
being drawn at once, each into a YUV buffer from a fixed pool, so memory stays flat however
long the video. Audio is mixed in blocks kept a little ahead of the video. The file is written
under a temporary name and renamed when complete, so a failed render leaves nothing behind.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from vidskill.render.audio import Mixer
from vidskill.render.compose import Compositor
from vidskill.render.encode import Encoder, Settings, settings_for
from vidskill.render.fonts import require_glyphs
from vidskill.render.model import (
    FPS,
    SAMPLE_RATE,
    RenderError,
    RenderRequest,
    RenderResult,
    Timeline,
)
from vidskill.render.paint import Frame
from vidskill.render.validate import parse_timeline

Progress = Callable[[float], None]
DEPTH = 6
COMPOSERS = 2
AUDIO_BLOCK = SAMPLE_RATE // 2


def render(req: RenderRequest, progress: Progress | None = None) -> RenderResult:
    """Render a draft to an MP4 file; `progress` hears 0 to 1 as frames are encoded."""
    timeline = parse_timeline(req.draft, req.assets.keys())
    _preflight(timeline, req)
    settings = settings_for(timeline.width, timeline.height, req.quality)
    partial = f"{req.output}.part"
    try:
        _encode(timeline, req, settings, partial, progress or _quiet)
        os.replace(partial, req.output)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return RenderResult(
        path=req.output,
        duration_s=timeline.frames / FPS,
        size=os.path.getsize(req.output),
        width=settings.width,
        height=settings.height,
    )


def _quiet(_: float) -> None:
    return None


def _preflight(timeline: Timeline, req: RenderRequest) -> None:
    """Fail before any work on a missing file or a character the font cannot draw."""
    sources = {s.src for s in timeline.sounds} | {
        v.src for track in timeline.video for v in track.items if v.src
    }
    for src in sorted(sources):
        if src in req.assets and not os.path.isfile(req.assets[src]):
            raise RenderError(f"the file for asset {src!r} is missing: {req.assets[src]}")
    for caption in timeline.captions:
        require_glyphs(caption.text)
    parent = os.path.dirname(os.path.abspath(req.output))
    if not os.path.isdir(parent):
        raise RenderError(f"the output folder does not exist: {parent}")


def _encode(
    timeline: Timeline, req: RenderRequest, settings: Settings, path: str, progress: Progress
) -> None:
    out = (settings.width, settings.height)
    encoder = Encoder(path, settings)
    compositor = Compositor(timeline, req.assets, out)
    mixer = Mixer(timeline, req.assets)
    try:
        with ThreadPoolExecutor(COMPOSERS, thread_name_prefix="render-compose") as pool:
            _frames(timeline, compositor, encoder, mixer, pool, progress)
        encoder.finish()
    except BaseException:
        encoder.abort()
        raise
    finally:
        compositor.close()
        mixer.close()


def _frames(
    timeline: Timeline,
    compositor: Compositor,
    encoder: Encoder,
    mixer: Mixer,
    pool: ThreadPoolExecutor,
    progress: Progress,
) -> None:
    total, width = timeline.frames, compositor.out[0]
    spare: list[Frame] = [
        np.empty((compositor.out[1] * 3 // 2, width), np.uint8) for _ in range(DEPTH)
    ]
    window: deque[Future[Frame]] = deque()
    audio_total, audio_done, queued, shown = mixer.total, 0, 0, -1
    for index in range(total):
        while queued < total and len(window) < DEPTH:
            window.append(pool.submit(compositor.compose, compositor.job(queued), spare.pop()))
            queued += 1
        yuv = window.popleft().result()
        encoder.write_video(yuv)
        spare.append(yuv)
        wanted = min(audio_total, round((index + 1) * SAMPLE_RATE / FPS) + AUDIO_BLOCK)
        while audio_done < wanted:
            size = min(AUDIO_BLOCK, audio_total - audio_done)
            encoder.write_audio(mixer.block(size))
            audio_done += size
        percent = (index + 1) * 100 // total
        if percent != shown:
            shown = percent
            progress(percent / 100)
