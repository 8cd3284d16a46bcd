"""Frames read back from rendered MP4s: Ken Burns smoothness, transitions, overlays, clips."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image
from render_support import (
    Pixels,
    clip,
    dots,
    draft,
    frames_at,
    logo,
    probe,
    rms,
    run,
    solid,
    track,
)

RED, GREEN, BLUE = (200, 40, 40), (40, 180, 40), (40, 40, 200)


def _all_frames(path: str) -> list[Pixels]:
    with av.open(path) as container:
        return [
            np.asarray(f.to_ndarray(format="rgb24"), np.uint8) for f in container.decode(video=0)
        ]


def _dot_distance(frame: Pixels) -> float:
    gray = frame.astype(np.float64).mean(axis=2)
    gray[gray < 40] = 0
    xs = np.arange(gray.shape[1])
    half = gray.shape[1] // 2
    left = (gray[:, :half].sum(axis=0) * xs[:half]).sum() / gray[:, :half].sum()
    right = (gray[:, half:].sum(axis=0) * xs[half:]).sum() / gray[:, half:].sum()
    return float(right - left)


def test_ken_burns_zoom_is_smooth_and_sub_pixel(tmp_path: Path) -> None:
    picture = dots(tmp_path / "dots.png")
    body = draft(2000, [track(0, (0, 2000, {"src": "a", "kind": "image", "motion": "zoom_in"}))])
    distances = np.array(
        [_dot_distance(f) for f in _all_frames(run(tmp_path, body, {"a": picture}).path)]
    )
    steps = np.diff(distances)
    assert distances[0] == pytest.approx(600, abs=1.5)
    assert distances[-1] > distances[0] * 1.05
    assert (steps > 0).all()
    # Whole-pixel snapping would make the steps jump between 0 and 1+ pixels.
    assert steps.std() < 0.15
    assert steps.mean() < 1.0
    fit = np.polyval(np.polyfit(np.arange(len(distances)), distances, 1), np.arange(len(distances)))
    assert np.abs(distances - fit).max() < 0.25


def _two_pictures(tmp_path: Path, transition: str) -> str:
    old = tmp_path / "old.png"
    halves = np.zeros((360, 640, 3), np.uint8)
    halves[:, :320], halves[:, 320:] = RED, GREEN
    Image.fromarray(halves).save(old)
    new = solid(tmp_path / "new.jpg", BLUE)
    second = {"src": "b", "kind": "image", "transition": transition, "transition_ms": 1000}
    body = draft(2000, [track(0, (0, 1000, {"src": "a", "kind": "image"}), (1000, 1000, second))])
    return run(tmp_path, body, {"a": str(old), "b": new}).path


def _near(pixel: Pixels, color: tuple[int, ...], tolerance: int = 14) -> bool:
    return bool(np.abs(pixel.astype(int) - np.array(color)).max() <= tolerance)


def test_crossfade_midpoint_is_an_even_blend(tmp_path: Path) -> None:
    frames = frames_at(_two_pictures(tmp_path, "crossfade"), 0.9, 1.5, 1.9)
    mid = frames[1.5]
    assert _near(mid[270, 100], tuple((a + b) // 2 for a, b in zip(RED, BLUE, strict=True)))
    assert _near(mid[270, 860], tuple((a + b) // 2 for a, b in zip(GREEN, BLUE, strict=True)))
    assert _near(frames[0.9][270, 100], RED)
    assert _near(
        frames[1.9][270, 100],
        tuple(round(0.1 * a + 0.9 * b) for a, b in zip(RED, BLUE, strict=True)),
    )


def test_fade_black_passes_through_black(tmp_path: Path) -> None:
    frames = frames_at(_two_pictures(tmp_path, "fade_black"), 1.5, 1.25, 1.9)
    assert frames[1.5].max() < 24
    assert _near(frames[1.25][270, 100], tuple(a // 2 for a in RED))
    assert _near(frames[1.9][270, 480], tuple(round(0.8 * b) for b in BLUE))


@pytest.mark.parametrize(("transition", "left"), [("wipe_left", RED), ("slide_left", GREEN)])
def test_slide_pushes_and_wipe_uncovers(
    tmp_path: Path, transition: str, left: tuple[int, ...]
) -> None:
    mid = frames_at(_two_pictures(tmp_path, transition), 1.5)[1.5]
    assert _near(mid[270, 100], left)
    assert _near(mid[270, 860], BLUE)


def test_a_logo_overlay_sits_in_its_corner_with_transparency(tmp_path: Path) -> None:
    grey = {"kind": "color", "color": "#808080"}
    overlay = {"src": "l", "kind": "image", "position": "top_right", "scale": 0.2}
    body = draft(500, [track(0, (0, 500, grey)), track(0, (0, 500, overlay))])
    frame = frames_at(run(tmp_path, body, {"l": logo(tmp_path / "logo.png")}).path, 0.2)[0.2]
    # 960x540 preview: a 192 px box, 22 px from the top and right edges.
    assert _near(frame[22 + 96, 960 - 22 - 96], (220, 30, 30), 20)
    assert _near(frame[22 + 4, 960 - 22 - 188], (128, 128, 128), 6)
    assert _near(frame[400, 100], (128, 128, 128), 6)


@pytest.mark.parametrize("volume", [100, 0])
def test_a_video_clip_is_trimmed_held_and_heard(tmp_path: Path, volume: int) -> None:
    video = clip(tmp_path / "clip.mp4", seconds=1.0)
    segment = {"src": "v", "kind": "video", "in": 200, "volume": volume}
    result = run(tmp_path, draft(2000, [track(0, (0, 2000, segment))]), {"v": video})
    frames = frames_at(result.path, 0.0, 0.5, 1.2, 1.9)
    assert np.abs(frames[0.0].astype(int) - frames[0.5]).mean() > 5
    assert np.abs(frames[1.2].astype(int) - frames[1.9]).mean() < 1.5
    bar = frames[0.0][270].min(axis=1) > 200
    assert 0.1 * 960 < np.nonzero(bar)[0].mean() < 0.4 * 960
    audio = probe(result.path).audio
    playing, after = rms(audio[4800:33600]), rms(audio[48000:96000])
    assert after < 1e-3
    assert (playing > 0.1) if volume else (playing < 1e-3)


def test_a_picture_in_picture_clip(tmp_path: Path) -> None:
    video = clip(tmp_path / "clip.mp4", seconds=0.5)
    pip = {"src": "v", "kind": "video", "position": "bottom_left", "scale": 0.3}
    body = draft(500, [track(0, (0, 500, {"kind": "color"})), track(0, (0, 500, pip))])
    frame = frames_at(run(tmp_path, body, {"v": video}).path, 0.2)[0.2]
    # 288x216 box, 22 px from the bottom-left corner; the clip is blue with a white bar.
    box = frame[540 - 22 - 216 + 4 : 540 - 22 - 4, 22 + 4 : 22 + 288 - 4]
    assert (box[..., 2] > 150).mean() > 0.5
    assert frame[100:200, 500:900].max() < 20
