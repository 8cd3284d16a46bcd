"""The music library, text to speech and the mixer's gains, fades and limiter."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import numpy as np
import pytest

from vidskill.render import RenderError, music, tts
from vidskill.render.audio import Mixer, limit
from vidskill.render.model import Sound, Timeline


def test_every_mood_is_a_stereo_loop_with_sound() -> None:
    for mood in music.MOODS:
        loop = music.loop(mood)
        assert loop.dtype == np.float32 and loop.shape[1] == 2
        assert 6 * 48000 < len(loop) < 40 * 48000
        assert float(np.sqrt(np.mean(loop**2))) > 0.02 and np.abs(loop).max() <= 0.8 + 1e-6


def test_moods_sound_different() -> None:
    loops = {mood: music.loop(mood) for mood in music.MOODS}
    for a, b in itertools.combinations(music.MOODS, 2):
        n = min(len(loops[a]), len(loops[b]))
        assert not np.allclose(loops[a][:n], loops[b][:n], atol=0.05), (a, b)


@pytest.mark.parametrize("mood", ["upbeat", "calm"])
def test_music_is_deterministic(mood: str) -> None:
    assert music.synthesize(mood).tobytes() == music.synthesize(mood).tobytes()


def test_the_cached_loop_is_read_only() -> None:
    with pytest.raises(ValueError):
        music.loop("calm")[0, 0] = 1.0


def _wav_rms(path: Path) -> tuple[float, float]:
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.float64)
        return float(np.sqrt(np.mean(samples**2)) / 32768), wav.getnframes() / wav.getframerate()


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Welcome to our summer collection."), ("zh-CN", "欢迎选购我们的夏季新品。")],
)
def test_speech_is_not_silent(tmp_path: Path, language: str, text: str) -> None:
    out = tmp_path / "voice.wav"
    duration = tts.synthesize(text, language, str(out))
    loudness, length = _wav_rms(out)
    assert loudness > 0.02
    assert duration == pytest.approx(length) and duration > 0.8


def test_mandarin_uses_the_mandarin_voice() -> None:
    assert tts.voice_for("zh-CN") == "cmn"
    assert tts.voice_for("en-US") == "en"
    assert tts.voice_for("xx") == "en"


def test_speech_needs_text(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="no text"):
        tts.synthesize("  ", "en", str(tmp_path / "v.wav"))


def test_limiter_leaves_quiet_audio_alone_and_bends_peaks() -> None:
    quiet = np.array([[0.5, -0.89]], np.float32)
    assert np.array_equal(limit(quiet.copy()), quiet)
    loud = limit(np.array([[3.0, -2.0], [0.95, 1.2]], np.float32))
    assert np.abs(loud).max() <= 1.0
    assert loud[1, 0] < loud[1, 1] < loud[0, 0]


def test_mixer_fades_and_gains_music() -> None:
    sound = Sound(start=0, dur=2000, src="music:calm", gain=0.5, fade_in=1000, fade_out=500)
    mixer = Mixer(Timeline(duration=2000, width=1920, height=1080, sounds=(sound,)), {})
    mixed = np.concatenate([mixer.block(24000) for _ in range(4)])
    raw = np.tile(music.loop("calm"), (2, 1))[:96000] * 0.5
    assert np.allclose(mixed[48000:72000], raw[48000:72000], atol=1e-6)
    assert np.allclose(mixed[24000], raw[24000] * 0.5, atol=1e-3)
    assert np.abs(mixed[:10]).max() < 1e-3 and np.abs(mixed[-10:]).max() < 1e-3
