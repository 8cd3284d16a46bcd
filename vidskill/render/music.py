"""The built-in music library: one seamless loop per mood, synthesised deterministically.

Each mood is a chord progression voiced as a soft pad, a plucked arpeggio and a bass line, with
drums for the rhythmic moods. Notes that ring past the loop's end wrap round to its start and the
lo-fi filter is applied in the frequency domain of the whole loop, so the loop repeats without
a seam. Output is 48 kHz stereo float32 in [-1, 1].
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vidskill.render.model import MOODS, SAMPLE_RATE

__all__ = ["MOODS", "loop", "synthesize"]

Audio = npt.NDArray[np.float32]
Signal = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Style:
    bpm: float
    root: int
    chords: tuple[tuple[int, ...], ...]
    beats_per_chord: int
    pad: float
    pluck: float
    pluck_step: float
    bass: float
    drums: str
    swing: float = 0.0
    crackle: float = 0.0
    cutoff: float = 0.0
    seed: int = 1


_STYLES: dict[str, _Style] = {
    "upbeat": _Style(
        120, 60, ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12)), 4,
        pad=0.10, pluck=0.22, pluck_step=0.5, bass=0.35, drums="four", seed=11,
    ),
    "calm": _Style(
        70, 57, ((0, 4, 7, 11), (9, 12, 16, 19), (5, 9, 12, 16), (7, 11, 14, 17)), 8,
        pad=0.18, pluck=0.10, pluck_step=1.0, bass=0.15, drums="", seed=12,
    ),
    "corporate": _Style(
        108, 62, ((0, 4, 7), (9, 12, 16), (5, 9, 12), (7, 11, 14)), 4,
        pad=0.12, pluck=0.20, pluck_step=0.5, bass=0.28, drums="light", seed=13,
    ),
    "cinematic": _Style(
        64, 50, ((0, 3, 7), (8, 12, 15), (3, 7, 10), (10, 14, 17)), 8,
        pad=0.24, pluck=0.06, pluck_step=2.0, bass=0.30, drums="hits", seed=14,
    ),
    "lofi": _Style(
        78, 53, ((2, 5, 9, 12), (7, 11, 14, 17), (0, 4, 7, 11), (9, 12, 16, 19)), 4,
        pad=0.14, pluck=0.14, pluck_step=0.5, bass=0.26, drums="lofi",
        swing=0.12, crackle=0.02, cutoff=3200.0, seed=15,
    ),
}  # fmt: skip


def _hz(note: float) -> float:
    return float(440.0 * 2.0 ** ((note - 69) / 12))


def _tone(freq: float, seconds: float, partials: tuple[float, ...], decay: float) -> Signal:
    """A sum of harmonics whose upper partials die away faster (a plucked, soft timbre)."""
    n = int(seconds * SAMPLE_RATE)
    phase = (2 * np.pi * freq / SAMPLE_RATE) * np.arange(n)
    fade = np.exp(-np.arange(n) * (decay / SAMPLE_RATE))
    out, level = np.zeros(n), np.ones(n)
    for number, amp in enumerate(partials, start=1):
        level *= fade  # the n-th partial decays as fade ** n
        out += amp * np.sin(phase * number) * level
    return out


def _envelope(n: int, attack: float, release: float) -> Signal:
    t = np.arange(n) / SAMPLE_RATE
    rise = np.clip(t / attack, 0, 1)
    fall = np.clip((n / SAMPLE_RATE - t) / release, 0, 1)
    return rise * fall


class _Loop:
    """A stereo loop buffer that wraps notes round its end."""

    def __init__(self, seconds: float) -> None:
        self.buf = np.zeros((round(seconds * SAMPLE_RATE), 2))

    def add(self, at: float, sig: Signal, left: float = 1.0, right: float = 1.0) -> None:
        size = len(self.buf)
        start = round(at * SAMPLE_RATE) % size
        sig = sig[:size]
        first = min(len(sig), size - start)
        self.buf[start : start + first] += sig[:first, None] * (left, right)
        self.buf[: len(sig) - first] += sig[first:, None] * (left, right)


def _chords(loop: _Loop, style: _Style, beat: float) -> None:
    span = style.beats_per_chord * beat
    for index, chord in enumerate(style.chords):
        at = index * span
        for voice, note in enumerate(chord):
            freq = _hz(style.root + note)
            pad = _tone(freq, span + 1.0, (1.0, 0.35, 0.12), 0.05)
            pad *= _envelope(len(pad), 0.4, 1.0) * style.pad / len(chord)
            pan = 0.5 + 0.3 * ((voice % 2) * 2 - 1) / 2
            loop.add(at, pad, 1 - pan, pan)
        _arpeggio(loop, style, chord, at, span, beat)
        _bass(loop, style, chord[0], at, span, beat)


def _arpeggio(
    loop: _Loop, style: _Style, chord: tuple[int, ...], at: float, span: float, beat: float
) -> None:
    step = style.pluck_step * beat
    for index in range(round(span / step)):
        offset = style.swing * beat if index % 2 else 0.0
        note = style.root + 12 + chord[index % len(chord)] + (12 if index % 8 >= 4 else 0)
        pluck = _tone(_hz(note), 1.2, (1.0, 0.5, 0.25, 0.12), 3.0) * style.pluck
        pluck *= _envelope(len(pluck), 0.004, 0.2)
        pan = 0.35 if index % 2 else 0.65
        loop.add(at + index * step + offset, pluck, 1 - pan, pan)


def _bass(loop: _Loop, style: _Style, note: int, at: float, span: float, beat: float) -> None:
    step = 2 * beat if style.drums in ("", "hits") else beat
    for index in range(round(span / step)):
        sig = _tone(_hz(style.root - 12 + note), step, (1.0, 0.4, 0.1), 1.5) * style.bass
        loop.add(at + index * step, sig * _envelope(len(sig), 0.01, 0.1), 0.5, 0.5)


def _kick(level: float) -> Signal:
    t = np.arange(int(0.35 * SAMPLE_RATE)) / SAMPLE_RATE
    phase = 2 * np.pi * (45 * t + 90 * (1 - np.exp(-t * 30)) / 30)
    return level * np.sin(phase) * np.exp(-t * 9)


def _noise(rng: np.random.Generator, seconds: float, decay: float, level: float) -> Signal:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    white = rng.standard_normal(len(t))
    bright = np.diff(white, prepend=0.0)
    return level * bright * np.exp(-t * decay)


# drum style -> (kick beats, snare beats, hat step in beats, levels: kick, snare, hat)
_GROOVES: dict[str, tuple[tuple[float, ...], tuple[float, ...], float, tuple[float, ...]]] = {
    "four": ((0, 1, 2, 3), (1, 3), 0.5, (0.55, 0.16, 0.05)),
    "light": ((0, 2), (), 0.5, (0.40, 0.0, 0.04)),
    "lofi": ((0, 1.5, 2.5), (1, 3), 0.5, (0.45, 0.10, 0.03)),
    "hits": ((0,), (), 0.0, (0.60, 0.0, 0.0)),
}


def _drums(loop: _Loop, style: _Style, beat: float, bars: int) -> None:
    if not style.drums:
        return
    kicks, snares, hat_step, (kick, snare, hat) = _GROOVES[style.drums]
    rng = np.random.default_rng(style.seed)
    every = 2 if style.drums == "hits" else 1
    for bar in range(0, bars, every):
        at = bar * 4 * beat
        for b in kicks:
            loop.add(at + b * beat, _kick(kick))
        for b in snares:
            loop.add(at + b * beat, _noise(rng, 0.2, 18, snare), 0.45, 0.55)
        for index in range(int(4 / hat_step) if hat_step else 0):
            offset = style.swing * beat if index % 2 else 0.0
            loop.add(at + index * hat_step * beat + offset, _noise(rng, 0.05, 60, hat), 0.6, 0.4)


def _lowpass(buf: Signal, cutoff: float) -> Signal:
    """A gentle circular low-pass (the loop stays seamless)."""
    spectrum = np.fft.rfft(buf, axis=0)
    freqs = np.fft.rfftfreq(len(buf), 1 / SAMPLE_RATE)
    spectrum *= (1 / np.sqrt(1 + (freqs / cutoff) ** 4))[:, None]
    return np.fft.irfft(spectrum, n=len(buf), axis=0)


def synthesize(mood: str) -> Audio:
    """One loop of a mood's music, freshly synthesised (same input, same samples)."""
    style = _STYLES[mood]
    beat = 60.0 / style.bpm
    beats = style.beats_per_chord * len(style.chords)
    loop = _Loop(beats * beat)
    _chords(loop, style, beat)
    _drums(loop, style, beat, beats // 4)
    buf = loop.buf
    if style.crackle:
        rng = np.random.default_rng(style.seed + 100)
        clicks = (rng.random(buf.shape) < 0.0004) * rng.standard_normal(buf.shape)
        buf = buf + clicks * style.crackle
    if style.cutoff:
        buf = _lowpass(buf, style.cutoff)
    peak = float(np.max(np.abs(buf))) or 1.0
    return (buf * (0.8 / peak)).astype(np.float32)


@functools.lru_cache(maxsize=len(MOODS))
def loop(mood: str) -> Audio:
    """The cached, read-only loop of a mood."""
    samples = synthesize(mood)
    samples.flags.writeable = False
    return samples
