"""The MP4 writer: H.264 (libx264, frame threads) and AAC through PyAV, moov atom up front.

Quality "high" encodes the draft's canvas with the `veryfast` preset at CRF 20, a good balance
of speed and quality per byte on a few cores (`ultrafast` makes files several times larger).
Quality "preview" encodes half the canvas with `ultrafast` at CRF 26 for quick looks while
editing. Frames arrive as planar YUV 4:2:0 in BT.601 limited range, tagged as such.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from vidskill.render.model import FPS, SAMPLE_RATE, Quality, RenderError

AUDIO_BITRATE = 160_000
# AVColorSpace / AVColorPrimaries / AVColorTransferCharacteristic value 6 is SMPTE 170M
# (BT.601 525), AVColorRange 1 is limited ("MPEG") range.
_BT601 = 6
_LIMITED = 1


@dataclass(frozen=True)
class Settings:
    """Picture size and x264 settings for one output."""

    width: int
    height: int
    preset: str
    crf: int


def settings_for(width: int, height: int, quality: Quality) -> Settings:
    """The encoder settings for a canvas at a quality."""
    if quality == "preview":
        return Settings(width // 2, height // 2, "ultrafast", 26)
    return Settings(width, height, "veryfast", 20)


class Encoder:
    """Writes frames and audio blocks to one MP4 file (video and audio may use two threads)."""

    def __init__(self, path: str, settings: Settings) -> None:
        import av

        self.av = av
        try:
            self.container: Any = av.open(
                path, "w", format="mp4", options={"movflags": "+faststart"}
            )
        except (av.FFmpegError, OSError) as exc:
            raise RenderError(f"cannot write {path}: {exc}") from exc
        self.video = self._video_stream(settings)
        self.audio = self.container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        self.audio.bit_rate = AUDIO_BITRATE
        self.audio.codec_context.options = {"aac_coder": "fast"}
        self.mux_lock = threading.Lock()
        self.frames = 0
        self.samples = 0

    def _video_stream(self, settings: Settings) -> Any:
        stream = self.container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = settings.width, settings.height, "yuv420p"
        context = stream.codec_context
        context.options = {"preset": settings.preset, "crf": str(settings.crf)}
        context.thread_type = "AUTO"
        context.thread_count = 0
        context.colorspace = context.color_primaries = context.color_trc = _BT601
        context.color_range = _LIMITED
        return stream

    def write_video(self, yuv: npt.NDArray[np.uint8]) -> None:
        """Encode one frame given as a (height * 3 / 2, width) planar YUV 4:2:0 array."""
        frame = self.av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts = self.frames
        frame.time_base = Fraction(1, FPS)
        self.frames += 1
        packets = self.video.encode(frame)
        with self.mux_lock:
            self.container.mux(packets)

    def write_audio(self, block: npt.NDArray[np.float32]) -> None:
        """Encode a block of 48 kHz stereo samples shaped (n, 2)."""
        if not len(block):
            return
        planar = np.ascontiguousarray(block.T)
        frame = self.av.AudioFrame.from_ndarray(planar, format="fltp", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self.samples
        frame.time_base = Fraction(1, SAMPLE_RATE)
        self.samples += len(block)
        packets = self.audio.encode(frame)
        with self.mux_lock:
            self.container.mux(packets)

    def finish(self) -> None:
        """Flush both encoders and close the file."""
        self.container.mux(self.video.encode(None))
        self.container.mux(self.audio.encode(None))
        self.container.close()

    def abort(self) -> None:
        """Close the file without flushing (after a failure)."""
        # The file is deleted next; a second error here would only hide the first.
        with contextlib.suppress(Exception):
            self.container.close()
