"""draft -> MP4: composition on a small thread pool overlapped with encoding.

The calling thread looks frames up in order and feeds the encoder; up to `DEPTH` frames are
being drawn at once, each into a YUV buffer from a fixed pool, so memory stays flat however
long the video. Audio is mixed in blocks kept a little ahead of the video. The file is written
under a temporary name and renamed when complete, so a failed render leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import queue
import secrets
import threading
from collections import deque
from collections.abc import Callable, Iterator
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
    # Private to this render: a worker orphaned by a killed server may still be rendering the
    # same job, and its clean-up must not delete the file the restarted server is writing.
    partial = f"{req.output}.{os.getpid()}-{secrets.token_hex(4)}.part"
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


class _AudioFeed:
    """Mixes and encodes audio on its own thread, kept a little ahead of the video."""

    def __init__(self, mixer: Mixer, encoder: Encoder) -> None:
        self.mixer, self.encoder = mixer, encoder
        self.targets: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self.asked = 0
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="render-audio", daemon=True)
        self.thread.start()

    def until(self, sample: int) -> None:
        """Ask for the mix to be encoded up to `sample` (raises what the thread ran into)."""
        if self.error is not None:
            raise self.error
        sample = min(sample, self.mixer.total)
        if sample >= self.asked + AUDIO_BLOCK or sample == self.mixer.total > self.asked:
            self.asked = sample
            self.targets.put(sample)

    def _run(self) -> None:
        done = 0
        try:
            while (target := self.targets.get()) is not None:
                while done < target:
                    size = min(AUDIO_BLOCK, target - done)
                    self.encoder.write_audio(self.mixer.block(size))
                    done += size
        except BaseException as exc:  # re-raised on the rendering thread
            self.error = exc

    def stop(self) -> None:
        """Stop the thread without finishing the mix."""
        self.targets.put(None)
        self.thread.join()

    def finish(self) -> None:
        """Encode the rest of the mix and wait for the thread."""
        self.until(self.mixer.total)
        self.targets.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


_cv2_lock = threading.Lock()
_cv2_users = 0
_cv2_threads = 0


@contextlib.contextmanager
def _one_cv2_thread() -> Iterator[None]:
    """Our own pool draws frames in parallel; OpenCV's inner threads would only contend."""
    global _cv2_users, _cv2_threads
    import cv2

    with _cv2_lock:
        if _cv2_users == 0:
            _cv2_threads = cv2.getNumThreads()
            cv2.setNumThreads(1)
        _cv2_users += 1
    try:
        yield
    finally:
        with _cv2_lock:
            _cv2_users -= 1
            if _cv2_users == 0:
                cv2.setNumThreads(_cv2_threads)


def _encode(
    timeline: Timeline, req: RenderRequest, settings: Settings, path: str, progress: Progress
) -> None:
    out = (settings.width, settings.height)
    encoder = Encoder(path, settings)
    compositor = Compositor(timeline, req.assets, out)
    mixer = Mixer(timeline, req.assets)
    audio = _AudioFeed(mixer, encoder)
    try:
        with _one_cv2_thread(), ThreadPoolExecutor(COMPOSERS, "render-compose") as pool:
            _frames(timeline, compositor, encoder, audio, pool, progress)
        audio.finish()
        encoder.finish()
    except BaseException:
        audio.stop()
        encoder.abort()
        raise
    finally:
        compositor.close()
        mixer.close()


def _frames(
    timeline: Timeline,
    compositor: Compositor,
    encoder: Encoder,
    audio: _AudioFeed,
    pool: ThreadPoolExecutor,
    progress: Progress,
) -> None:
    total, width = timeline.frames, compositor.out[0]
    spare: list[Frame] = [
        np.empty((compositor.out[1] * 3 // 2, width), np.uint8) for _ in range(DEPTH)
    ]
    window: deque[Future[Frame]] = deque()
    queued, shown = 0, -1
    for index in range(total):
        while queued < total and len(window) < DEPTH:
            window.append(pool.submit(compositor.compose, compositor.job(queued), spare.pop()))
            queued += 1
        yuv = window.popleft().result()
        encoder.write_video(yuv)
        spare.append(yuv)
        audio.until(round((index + 1) * SAMPLE_RATE / FPS) + AUDIO_BLOCK)
        percent = (index + 1) * 100 // total
        if percent != shown:
            shown = percent
            progress(percent / 100)
