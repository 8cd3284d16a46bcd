"""The per-frame compositor: base picture, transition, overlays and text, then YUV 4:2:0.

`job` runs on one thread in frame order: it looks the scene up, reads video clips forward and
starts preparing pictures a little ahead. `compose` is safe to run for several frames at once on
a small thread pool (OpenCV releases the GIL); each thread draws into its own buffers.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from vidskill.render.clips import ClipReader
from vidskill.render.model import FPS, Caption, Timeline
from vidskill.render.motion import Move, affine
from vidskill.render.paint import (
    TRANSITIONS,
    Frame,
    blank,
    draw_opaque,
    draw_sprite,
    make_sprite,
    to_i420,
    warp,
)
from vidskill.render.pictures import clip_move, overlay_box, overlay_sprite, still_for
from vidskill.render.plan import Layer, Planner, Scene
from vidskill.render.text import draw_caption

Size = tuple[int, int]
PREFETCH_MS = 1500
KEEP_MS = 1000


@dataclass(frozen=True)
class FrameJob:
    """One frame to draw: its scene, the clip frames it shows and its prepared pictures."""

    index: int
    t: float
    scene: Scene
    clips: Mapping[Hashable, Frame]
    ready: Mapping[Hashable, Future[Any]]


@dataclass
class _Clip:
    reader: ClipReader
    move: Move
    size: Size
    at: tuple[int, int] = (0, 0)


class Compositor:
    """Draws the frames of a timeline at an output size."""

    def __init__(self, timeline: Timeline, assets: Mapping[str, str], out: Size) -> None:
        self.timeline, self.assets, self.out = timeline, assets, out
        self.planner = Planner(timeline)
        self.bg = blank(*out, timeline.bg)
        self.loader = ThreadPoolExecutor(1, thread_name_prefix="render-prepare")
        self.ready: dict[Hashable, Future[Any]] = {}
        self.until: dict[Hashable, float] = {}
        self.clips: dict[Hashable, _Clip] = {}
        self.local = threading.local()
        self.upcoming: list[tuple[int, Hashable, Any]] = sorted(
            [(layer.visual.start, layer.key, layer) for layer in self.planner.all_layers()]
            + [(c.start, ("text", i), c) for i, c in enumerate(timeline.captions)],
            key=lambda entry: entry[0],
        )
        self.next = 0

    # -- in frame order, on one thread ------------------------------------------------------

    def job(self, index: int) -> FrameJob:
        """Look frame `index` up and gather what drawing it needs."""
        t = index * 1000 / FPS
        self._prefetch(t + PREFETCH_MS)
        scene = self.planner.scene(t)
        clips: dict[Hashable, Frame] = {}
        for layer in scene.layers():
            if layer.visual.kind == "video":
                clip = self._clip(layer)
                clips[layer.key] = clip.reader.frame_at((t - layer.visual.start) / 1000)
        self._evict(t - KEEP_MS)
        return FrameJob(index, t, scene, clips, dict(self.ready))

    def _prefetch(self, horizon: float) -> None:
        while self.next < len(self.upcoming) and self.upcoming[self.next][0] <= horizon:
            _, key, item = self.upcoming[self.next]
            self.next += 1
            if isinstance(item, Caption):
                self.until[key] = item.end
                self.ready[key] = self.loader.submit(self._text, item)
            elif item.visual.kind != "video":
                self.until[key] = item.shown_until
                self.ready[key] = self.loader.submit(self._picture, item)

    def _picture(self, layer: Layer) -> Any:
        visual = layer.visual
        path = self.assets.get(visual.src) if visual.src else None
        if self.planner.main == 0 and layer.key[0] == 0:
            return still_for(visual, path, self.out, self.timeline.bg, layer.span_ms / 1000)
        return overlay_sprite(visual, path, self.out)

    def _text(self, caption: Caption) -> Any:
        drawn = draw_caption(caption, *self.out)
        return make_sprite(drawn.rgba, drawn.x, drawn.y)

    def _clip(self, layer: Layer) -> _Clip:
        clip = self.clips.get(layer.key)
        if clip is None:
            visual, overlay = layer.visual, layer.key[0] > 0
            found: list[tuple[Move, Size, tuple[int, int]]] = []

            def size_for(source: Size) -> Size:
                if overlay:
                    x, y, w, h = overlay_box(visual, source[0] / source[1], self.out)
                    found.append((Move(), (w, h), (x, y)))
                else:
                    move, shrink = clip_move(visual, source, self.out, layer.span_ms / 1000)
                    size = (_even(source[0] * shrink), _even(source[1] * shrink))
                    found.append((move, size, (0, 0)))
                return found[0][1]

            reader = ClipReader(self.assets[visual.src or ""], visual.in_ms, size_for)
            clip = self.clips[layer.key] = _Clip(reader, *found[0])
            self.until[layer.key] = layer.shown_until
        return clip

    def _evict(self, before: float) -> None:
        for key in [key for key, until in self.until.items() if until < before]:
            del self.until[key]
            self.ready.pop(key, None)
            clip = self.clips.pop(key, None)
            if clip is not None:
                clip.reader.close()

    def close(self) -> None:
        """Stop the preparing thread and close every clip."""
        self.loader.shutdown(wait=True, cancel_futures=True)
        for clip in self.clips.values():
            clip.reader.close()
        self.clips.clear()

    # -- any thread -------------------------------------------------------------------------

    def _buffers(self) -> list[Frame]:
        buffers: list[Frame] | None = getattr(self.local, "buffers", None)
        if buffers is None:
            buffers = self.local.buffers = [blank(*self.out) for _ in range(3)]
        return buffers

    def compose(self, job: FrameJob, yuv: Frame) -> Frame:
        """Draw one frame and convert it to planar YUV 4:2:0 into `yuv`."""
        first, second, out = self._buffers()
        scene = job.scene
        frame = self._base(job, scene.base, first)
        if scene.in_transition and scene.base is not None:
            old = self._base(job, scene.prev, second)
            frame = TRANSITIONS[scene.base.visual.transition](old, frame, scene.blend, out)
        if scene.overlays or scene.captions:
            if frame is not out:
                np.copyto(out, frame)
                frame = out
            for layer, fade in scene.overlays:
                self._overlay(job, layer, fade, frame)
            for index, fade in scene.captions:
                draw_sprite(frame, job.ready[("text", index)].result(), fade)
        return to_i420(frame, yuv)

    def _base(self, job: FrameJob, layer: Layer | None, buffer: Frame) -> Frame:
        if layer is None:
            return self.bg
        p = layer.progress(job.t)
        if layer.visual.kind != "video":
            drawn: Frame = job.ready[layer.key].result().draw(p, buffer)
            return drawn
        clip, visual = self.clips[layer.key], layer.visual
        matrix = affine(clip.size, self.out, visual.fit, clip.move, p)
        border = None if visual.fit == "cover" else (visual.color or self.timeline.bg)
        return warp(job.clips[layer.key], matrix, buffer, border)

    def _overlay(self, job: FrameJob, layer: Layer, fade: float, frame: Frame) -> None:
        if layer.visual.kind != "video":
            draw_sprite(frame, job.ready[layer.key].result(), fade)
            return
        x, y = self.clips[layer.key].at
        draw_opaque(frame, job.clips[layer.key], x, y, layer.visual.opacity * fade)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)
