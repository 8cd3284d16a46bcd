"""The renderer's values: requests, results, job states and the checked timeline it draws.

The timeline types are what `validate.parse_timeline` makes of a draft (DRAFT.md): every field
is present, typed and within range, times are integer milliseconds clipped to the draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from vidskill import draftspec
from vidskill.draftspec import FPS as FPS
from vidskill.draftspec import MAX_DURATION_MS as MAX_DURATION_MS
from vidskill.draftspec import MAX_SEGMENTS as MAX_SEGMENTS
from vidskill.draftspec import MOODS as MOODS
from vidskill.draftspec import MUSIC_PREFIX as MUSIC_PREFIX
from vidskill.errors import DraftError, VidskillError

Quality = Literal["high", "preview"]
JobState = Literal["pending", "processing", "completed", "failed"]

SAMPLE_RATE = 48_000
CANVASES: tuple[tuple[int, int], ...] = tuple(draftspec.CANVASES.values())

RGB = tuple[int, int, int]


class DraftRejected(DraftError, ValueError):
    """A draft that cannot be rendered; the message says what to fix."""


class RenderError(VidskillError):
    """A checked draft that still could not be rendered (unreadable asset, missing font)."""


@dataclass(frozen=True)
class RenderRequest:
    """One render: the draft, where its assets are on disk, the output path and the quality."""

    draft: Mapping[str, Any]
    assets: Mapping[str, str]
    output: str
    quality: Quality = "high"


@dataclass(frozen=True)
class RenderResult:
    """A finished MP4: its path, duration in seconds, size in bytes and picture size."""

    path: str
    duration_s: float
    size: int
    width: int
    height: int


@dataclass(frozen=True)
class JobStatus:
    """Where a queued render stands; progress is a whole percentage."""

    state: JobState
    progress: int = 0
    result: RenderResult | None = None
    error: str | None = None


@dataclass(frozen=True)
class Visual:
    """A segment of a video track: a picture (image, video clip or colour) over a time span."""

    start: int
    dur: int
    kind: Literal["image", "video", "color"]
    src: str | None = None
    color: RGB | None = None
    fit: Literal["cover", "contain"] = "cover"
    motion: str = "none"
    transition: str = "none"
    transition_ms: int = 500
    in_ms: int = 0
    volume: float = 1.0
    position: str = "bottom_right"
    scale: float = 0.18
    opacity: float = 1.0

    @property
    def end(self) -> int:
        """The end of the segment in milliseconds."""
        return self.start + self.dur


@dataclass(frozen=True)
class VideoTrack:
    """A video track's segments in time order; every track after the first is an overlay."""

    items: tuple[Visual, ...]
    overlay: bool


@dataclass(frozen=True)
class Sound:
    """A segment of an audio track: an asset or `music:<mood>`, with gain and fades."""

    start: int
    dur: int
    src: str
    gain: float = 1.0
    fade_in: int = 0
    fade_out: int = 0
    in_ms: int = 0


@dataclass(frozen=True)
class Caption:
    """A segment of a text track: text drawn in a style at a position."""

    start: int
    dur: int
    text: str
    style: Literal["title", "caption", "lower_third"] = "title"
    position: Literal["top", "center", "bottom"] = "center"
    color: RGB = (255, 255, 255)
    size: int = 96
    box: bool = False

    @property
    def end(self) -> int:
        """The end of the segment in milliseconds."""
        return self.start + self.dur


@dataclass(frozen=True)
class Timeline:
    """A checked draft: duration, canvas, background, and its tracks by kind."""

    duration: int
    width: int
    height: int
    bg: RGB = (0, 0, 0)
    video: tuple[VideoTrack, ...] = ()
    sounds: tuple[Sound, ...] = ()
    captions: tuple[Caption, ...] = field(default=())

    @property
    def frames(self) -> int:
        """How many frames the output has (the draft's duration at 30 fps, rounded)."""
        return max(1, round(self.duration * FPS / 1000))
