"""Video clips decoded ahead in a background thread, frames shrunk for the output.

The compositor asks for frames in time order; the reader hands back, for each output time, the
latest source frame shown at that time, and holds the last frame once the clip has ended.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from vidskill.render.model import RenderError
from vidskill.render.paint import Frame

Size = tuple[int, int]
_AHEAD = 6
_EPSILON = 1e-3
_END = None


class ClipReader:
    """Reads one video clip from `in_ms` on, at the size `size_for(source size)` returns."""

    def __init__(self, path: str, in_ms: int, size_for: Callable[[Size], Size]) -> None:
        import av

        try:
            self.container: Any = av.open(path)
        except (av.FFmpegError, OSError) as exc:
            raise RenderError(f"cannot read the video {path}: {exc}") from exc
        if not self.container.streams.video:
            self.container.close()
            raise RenderError(f"the file {path} has no video stream")
        self.path = path
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = "AUTO"
        source = (self.stream.codec_context.width, self.stream.codec_context.height)
        self.size = size_for(source)
        self.start = in_ms / 1000
        self.frames: queue.Queue[tuple[float, Frame] | BaseException | None] = queue.Queue(_AHEAD)
        self.stop = threading.Event()
        self.current: tuple[float, Frame] | None = None
        self.upcoming: tuple[float, Frame] | None = None
        self.ended = False
        self.thread = threading.Thread(target=self._decode, name="clip-reader", daemon=True)
        self.thread.start()

    def _put(self, item: tuple[float, Frame] | BaseException | None) -> bool:
        while not self.stop.is_set():
            try:
                self.frames.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _decode(self) -> None:
        try:
            if self.start > 0:
                self.container.seek(int(self.start * 1_000_000))
            for frame in self.container.decode(self.stream):
                when = (frame.time or 0.0) - self.start
                if when < -_EPSILON:
                    continue
                pixels = frame.reformat(
                    width=self.size[0], height=self.size[1], format="rgba", interpolation="AREA"
                )
                if not self._put((when, np.ascontiguousarray(pixels.to_ndarray()))):
                    return
        except Exception as exc:  # handed to the compositor, which raises it there
            self._put(RenderError(f"cannot decode the video {self.path}: {exc}"))
            return
        self._put(_END)

    def _pull(self) -> tuple[float, Frame] | None:
        if self.ended:
            return None
        item = self.frames.get()
        if isinstance(item, BaseException):
            raise item
        if item is None:
            self.ended = True
        return item

    def frame_at(self, seconds: float) -> Frame:
        """The frame shown `seconds` into the clip (times must not go backwards)."""
        if self.current is None:
            self.current = self._pull()
            if self.current is None:
                raise RenderError(f"the video {self.path} has no frames after its start point")
            self.upcoming = self._pull()
        while self.upcoming is not None and self.upcoming[0] <= seconds + _EPSILON:
            self.current, self.upcoming = self.upcoming, self._pull()
        return self.current[1]

    def close(self) -> None:
        """Stop decoding and close the file."""
        self.stop.set()
        self.thread.join(timeout=5)
        self.container.close()
