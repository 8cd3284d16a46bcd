"""The audio mix: music loops, audio assets and video clips' own sound, block by block.

Every source is read forward only, so a ten-minute mix needs no more memory than a block.
Volumes and fades are applied per segment, with a few milliseconds of fade at every cut so
nothing clicks, and the sum goes through a soft limiter instead of clipping.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vidskill.render import music
from vidskill.render.model import MUSIC_PREFIX, SAMPLE_RATE, RenderError, Sound, Timeline

Audio = npt.NDArray[np.float32]
DECLICK_MS = 5
_KNEE = 0.9


def _samples(ms: float) -> int:
    return round(ms * SAMPLE_RATE / 1000)


def silence(n: int) -> Audio:
    """`n` stereo samples of silence."""
    return np.zeros((n, 2), np.float32)


class LoopReader:
    """Reads a music loop forward from an offset, wrapping round."""

    def __init__(self, mood: str, offset: int) -> None:
        self.loop = music.loop(mood)
        self.pos = offset % len(self.loop)

    def read(self, n: int) -> Audio:
        """The next `n` samples."""
        index = (self.pos + np.arange(n)) % len(self.loop)
        self.pos = (self.pos + n) % len(self.loop)
        return self.loop[index]

    def close(self) -> None:
        """Nothing to release."""


class FileReader:
    """Decodes an audio or video file's first audio stream forward, as 48 kHz stereo float."""

    def __init__(self, path: str, offset: int) -> None:
        import av

        try:
            self.container: Any = av.open(path)
        except (av.FFmpegError, OSError) as exc:
            raise RenderError(f"cannot read the audio of {path}: {exc}") from exc
        self.pending = silence(0)
        self.chunks = self._decode(offset) if self.container.streams.audio else iter(())

    def _decode(self, offset: int) -> Iterator[Audio]:
        import av

        stream = self.container.streams.audio[0]
        start = offset / SAMPLE_RATE
        if start > 1:
            self.container.seek(int(start * 1_000_000), any_frame=False)
        resampler = av.AudioResampler(format="flt", layout="stereo", rate=SAMPLE_RATE)
        skip: int | None = None
        for frame in self.container.decode(stream):
            if skip is None:
                skip = max(0, round((start - (frame.time or 0.0)) * SAMPLE_RATE))
            for out in resampler.resample(frame):
                data = np.asarray(out.to_ndarray(), np.float32).reshape(-1, 2)
                drop = min(skip, len(data))
                skip -= drop
                if drop < len(data):
                    yield data[drop:]
        for out in resampler.resample(None):
            yield np.asarray(out.to_ndarray(), np.float32).reshape(-1, 2)[skip or 0 :]

    def read(self, n: int) -> Audio:
        """The next `n` samples (silence once the file has ended)."""
        parts, have = [self.pending], len(self.pending)
        while have < n:
            chunk = next(self.chunks, None)
            if chunk is None:
                parts.append(silence(n - have))
                break
            parts.append(chunk)
            have += len(chunk)
        data = np.concatenate(parts)
        self.pending = data[n:]
        return data[:n]

    def close(self) -> None:
        """Close the file."""
        self.container.close()


@dataclass
class _Voice:
    """One segment in the mix, opened when the mix first reaches it."""

    sound: Sound
    start: int
    length: int
    reader: LoopReader | FileReader | None = None

    def open(self, assets: Mapping[str, str]) -> LoopReader | FileReader:
        if self.reader is None:
            src, offset = self.sound.src, _samples(self.sound.in_ms)
            if src.startswith(MUSIC_PREFIX):
                self.reader = LoopReader(src[len(MUSIC_PREFIX) :], offset)
            else:
                self.reader = FileReader(assets[src], offset)
        return self.reader

    def gains(self, first: int, n: int) -> npt.NDArray[np.float32]:
        pos = np.arange(first, first + n, dtype=np.float32)
        fade_in = _samples(max(self.sound.fade_in, DECLICK_MS))
        fade_out = _samples(max(self.sound.fade_out, DECLICK_MS))
        ramp = np.minimum(1.0, np.minimum(pos / fade_in, (self.length - pos) / fade_out))
        return (np.clip(ramp, 0.0, 1.0) * self.sound.gain).astype(np.float32)


def clip_sounds(timeline: Timeline) -> list[Sound]:
    """The sound of every video clip segment, at the segment's volume."""
    return [
        Sound(item.start, item.dur, item.src, item.volume, 0, 0, item.in_ms)
        for track in timeline.video
        for item in track.items
        if item.kind == "video" and item.src and item.volume > 0
    ]


def limit(block: Audio) -> Audio:
    """Soft-limit a block: untouched below the knee, smoothly bent to stay under 1.0."""
    over = np.abs(block) > _KNEE
    if over.any():
        x = block[over]
        block[over] = np.sign(x) * (
            _KNEE + (1 - _KNEE) * np.tanh((np.abs(x) - _KNEE) / (1 - _KNEE))
        )
    return block


class Mixer:
    """Mixes a timeline's sounds; `block` must be called for consecutive ranges."""

    def __init__(self, timeline: Timeline, assets: Mapping[str, str]) -> None:
        self.assets = assets
        self.total = _samples(timeline.duration)
        sounds = [*timeline.sounds, *clip_sounds(timeline)]
        self.voices = [_Voice(s, _samples(s.start), _samples(s.dur)) for s in sounds]
        self.pos = 0

    def block(self, n: int) -> Audio:
        """The next `n` samples of the mix."""
        start, end = self.pos, self.pos + n
        out = silence(n)
        for voice in self.voices:
            lo, hi = max(start, voice.start), min(end, voice.start + voice.length)
            if lo < hi:
                data = voice.open(self.assets).read(hi - lo)
                out[lo - start : hi - start] += (
                    data * voice.gains(lo - voice.start, hi - lo)[:, None]
                )
            elif voice.reader is not None and voice.start + voice.length <= start:
                voice.reader.close()
                voice.reader = None
        self.pos = end
        return limit(out)

    def close(self) -> None:
        """Close every open source."""
        for voice in self.voices:
            if voice.reader is not None:
                voice.reader.close()
                voice.reader = None
