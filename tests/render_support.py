"""Helpers for the renderer tests (no tests here): real media made on the spot and probes.

Pictures and clips are written with Pillow and PyAV; outputs are read back with PyAV, so every
check is on a real encoded MP4.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt
from PIL import Image

from vidskill.render import RenderRequest, RenderResult, render

Pixels = npt.NDArray[np.uint8]


def solid(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (640, 360)) -> str:
    """A one-colour JPEG image."""
    Image.new("RGB", size, color).save(path, quality=95)
    return str(path)


def dots(path: Path, size: tuple[int, int] = (1920, 1080), apart: int = 1200) -> str:
    """Two soft white dots on black, `apart` pixels apart, centred (a PNG)."""
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    pixels = np.zeros((h, w), np.float32)
    for cx in (w / 2 - apart / 2, w / 2 + apart / 2):
        pixels += np.exp(-((x - cx) ** 2 + (y - h / 2) ** 2) / (2 * 14.0**2))
    gray = np.clip(pixels * 255, 0, 255).astype(np.uint8)
    Image.fromarray(gray).convert("RGB").save(path)
    return str(path)


def logo(path: Path) -> str:
    """A red disc on a transparent 200x200 PNG."""
    y, x = np.mgrid[0:200, 0:200]
    inside = (x - 100) ** 2 + (y - 100) ** 2 < 80**2
    pixels = np.zeros((200, 200, 4), np.uint8)
    pixels[inside] = (220, 30, 30, 255)
    Image.fromarray(pixels).save(path)  # 4 channels of uint8: RGBA
    return str(path)


def clip(path: Path, seconds: float = 1.0, size: tuple[int, int] = (320, 240)) -> str:
    """An MP4 with a white bar moving right on blue, and a 440 Hz tone."""
    container = av.open(str(path), "w")
    video = container.add_stream("libx264", rate=30)
    video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
    audio = container.add_stream("aac", rate=48000, layout="stereo")
    frames = round(seconds * 30)
    for index in range(frames):
        pixels = np.zeros((size[1], size[0], 3), np.uint8)
        pixels[:] = (30, 60, 200)
        left = index * (size[0] - 20) // max(1, frames - 1)
        pixels[:, left : left + 20] = 255
        picture = av.VideoFrame.from_ndarray(pixels, format="rgb24")
        picture.pts = index
        container.mux(video.encode(picture))
    t = np.arange(round(seconds * 48000)) / 48000
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    for start in range(0, len(tone), 1024):
        chunk = np.ascontiguousarray(np.stack([tone[start : start + 1024]] * 2))
        sound = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
        sound.sample_rate, sound.pts, sound.time_base = 48000, start, Fraction(1, 48000)
        container.mux(audio.encode(sound))
    container.mux(video.encode(None))
    container.mux(audio.encode(None))
    container.close()
    return str(path)


def draft(
    duration: int, tracks: list[dict[str, Any]], size: tuple[int, int] = (1920, 1080)
) -> dict[str, Any]:
    """A draft of `duration` ms with the given tracks."""
    return {
        "d": duration,
        "m": {"title": "t", "width": size[0], "height": size[1], "fps": 30},
        "t": tracks,
    }


def track(tt: int, *segments: tuple[int, int, dict[str, Any]], **meta: Any) -> dict[str, Any]:
    """A track of (start ms, duration ms, segment metadata) segments."""
    sg = [{"id": f"s{tt}_{i}", "s": s, "d": d, "m": m} for i, (s, d, m) in enumerate(segments)]
    return {"id": f"t{tt}_{id(sg)}", "tt": tt, "m": meta, "sg": sg}


def run(
    tmp: Path, body: dict[str, Any], assets: dict[str, str], quality: str = "preview"
) -> RenderResult:
    """Render a draft into `tmp/out.mp4`."""
    return render(RenderRequest(body, assets, str(tmp / "out.mp4"), quality))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Probe:
    """What PyAV reads back from an MP4."""

    codec: str
    profile: str | None
    pix_fmt: str
    width: int
    height: int
    fps: float
    frames: int
    duration: float
    audio_codec: str | None
    audio_rate: int | None
    audio: npt.NDArray[np.float32]


def probe(path: str) -> Probe:
    """Decode the whole file: video stream facts and all audio samples (mono mix)."""
    with av.open(path) as container:
        video = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video))
        context = video.codec_context
        duration = (container.duration or 0) / 1_000_000
        facts: dict[str, Any] = {
            "codec": context.name,
            "profile": context.profile,
            "pix_fmt": context.pix_fmt or "",
            "width": video.width,
            "height": video.height,
            "fps": float(video.average_rate or 0),
            "frames": frames,
            "duration": duration,
        }
    with av.open(path) as container:
        stream = container.streams.audio[0] if container.streams.audio else None
        chunks = [f.to_ndarray().mean(axis=0) for f in container.decode(stream)] if stream else []
        facts["audio_codec"] = stream.codec_context.name if stream else None
        facts["audio_rate"] = stream.rate if stream else None
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    return Probe(**facts, audio=samples)


def frames_at(path: str, *times: float) -> dict[float, Pixels]:
    """RGB frames at the given times in seconds (the frame whose time is nearest)."""
    found: dict[float, Pixels] = {}
    with av.open(path) as container:
        for frame in container.decode(video=0):
            for t in times:
                if abs((frame.time or 0.0) - t) < 1 / 60:
                    found[t] = np.asarray(frame.to_ndarray(format="rgb24"), np.uint8)
    return found


def rms(samples: npt.NDArray[np.float32]) -> float:
    """Root mean square of samples (0 for none)."""
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0
