"""What is on screen at a given time: pure lookups over a checked timeline.

A video segment stays on screen past its end while the next segment on its track comes in
with a transition, so its motion carries on during the blend; a segment's motion therefore
runs over its whole time on screen (`shown_until`), not just over its own duration. A segment
with no neighbour right before it comes in from the background colour. Overlay segments with
any transition fade in over it. Text is drawn above every video track.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from vidskill.render.model import Caption, Timeline, VideoTrack, Visual

CAPTION_FADE_MS = 200
ADJACENT_MS = 2


@dataclass(frozen=True)
class Layer:
    """A video segment placed on its track: where it is shown and what it comes in from."""

    key: tuple[int, int]
    visual: Visual
    shown_until: int
    incoming: int
    prev: Layer | None

    @property
    def span_ms(self) -> int:
        """How long the segment is on screen, including the next one's transition."""
        return self.shown_until - self.visual.start

    def progress(self, t: float) -> float:
        """How far through its time on screen the segment is at `t` (0 to 1)."""
        return min(1.0, max(0.0, (t - self.visual.start) / max(1, self.span_ms)))


@dataclass(frozen=True)
class Scene:
    """Everything drawn in one frame, bottom to top."""

    base: Layer | None
    prev: Layer | None
    blend: float
    overlays: tuple[tuple[Layer, float], ...]
    captions: tuple[tuple[int, float], ...]

    @property
    def in_transition(self) -> bool:
        """True while the base segment is still coming in from the previous picture."""
        return self.base is not None and self.blend < 1.0

    def layers(self) -> list[Layer]:
        """Every video layer this frame needs, base first."""
        found = [layer for layer in (self.base, self.prev) if layer is not None]
        return found + [layer for layer, _ in self.overlays]


def _layers(track: VideoTrack, index: int) -> list[Layer]:
    items = track.items
    layers: list[Layer] = []
    for position, item in enumerate(items):
        after = items[position + 1] if position + 1 < len(items) else None
        joined = after is not None and abs(after.start - item.end) <= ADJACENT_MS
        overlap = _incoming(after) if after is not None and joined else 0
        before = (
            layers[-1]
            if layers and abs(layers[-1].visual.end - item.start) <= ADJACENT_MS
            else None
        )
        layers.append(Layer((index, position), item, item.end + overlap, _incoming(item), before))
    return layers


def _incoming(item: Visual) -> int:
    if item.transition == "none":
        return 0
    return min(item.transition_ms, item.dur)


class Planner:
    """Answers "what is on screen at t" for a timeline."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.tracks = [_layers(track, i) for i, track in enumerate(timeline.video)]
        self.starts = [[layer.visual.start for layer in layers] for layers in self.tracks]
        self.main = 0 if timeline.video and not timeline.video[0].overlay else None
        self.buckets: dict[int, list[int]] = {}
        for index, caption in enumerate(timeline.captions):
            for second in range(caption.start // 1000, (caption.end - 1) // 1000 + 1):
                self.buckets.setdefault(second, []).append(index)

    def _at(self, track: int, t: float) -> Layer | None:
        found = bisect.bisect_right(self.starts[track], t) - 1
        if found < 0:
            return None
        layer = self.tracks[track][found]
        return layer if t < layer.visual.end else None

    def scene(self, t: float) -> Scene:
        """The scene at `t` milliseconds."""
        base = self._at(0, t) if self.main is not None else None
        blend, prev = 1.0, None
        if base is not None and base.incoming and t - base.visual.start < base.incoming:
            blend = (t - base.visual.start) / base.incoming
            prev = base.prev
        overlays = []
        for track in range(1 if self.main is not None else 0, len(self.tracks)):
            layer = self._at(track, t)
            if layer is not None:
                overlays.append((layer, _fade_in(layer, t)))
        return Scene(base, prev, blend, tuple(overlays), self._captions(t))

    def _captions(self, t: float) -> tuple[tuple[int, float], ...]:
        shown = []
        for index in self.buckets.get(int(t // 1000), ()):
            caption = self.timeline.captions[index]
            if caption.start <= t < caption.end:
                shown.append((index, _caption_fade(caption, t)))
        return tuple(shown)

    def all_layers(self) -> list[Layer]:
        """Every layer of every track, in start order."""
        return sorted((layer for layers in self.tracks for layer in layers), key=_start)


def _start(layer: Layer) -> int:
    return layer.visual.start


def _fade_in(layer: Layer, t: float) -> float:
    if not layer.incoming:
        return 1.0
    return min(1.0, (t - layer.visual.start) / min(layer.incoming, layer.visual.dur / 2 or 1))


def _caption_fade(caption: Caption, t: float) -> float:
    fade = min(CAPTION_FADE_MS, caption.dur / 4)
    if fade <= 0:
        return 1.0
    return max(0.0, min(1.0, (t - caption.start) / fade, (caption.end - t) / fade))
