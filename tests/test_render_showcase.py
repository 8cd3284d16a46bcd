"""One full-quality 1080p render of a short product showcase, probed and looked at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from render_support import dots, frames_at, logo, probe, rms, run, solid

PHOTO1, PHOTO2 = (190, 120, 60), (60, 120, 190)


def _showcase() -> dict[str, Any]:
    def picture(n: int, start: int, motion: str, transition: str) -> dict[str, Any]:
        m = {"src": f"a_{n}", "kind": "image", "motion": motion, "transition": transition}
        return {"id": f"v{n}", "s": start, "d": 1000, "m": m}

    end_card = {"src": "a_logo", "kind": "image", "fit": "contain", "color": "#FFFFFF",
                "transition": "fade_black", "transition_ms": 400}  # fmt: skip
    music = {"src": "music:upbeat", "role": "bgm", "volume": 35, "fade_in": 500, "fade_out": 1000}
    caption = {"text": "轻盈透气 Light and breathable", "style": "caption"}
    return {
        "d": 4000,
        "m": {"title": "Showcase", "width": 1920, "height": 1080, "fps": 30},
        "t": [
            {"id": "v", "tt": 0, "m": {"name": "Video"}, "sg": [
                picture(1, 0, "zoom_in", "none"),
                picture(2, 1000, "none", "crossfade"),
                picture(3, 2000, "zoom_out", "slide_left"),
                {"id": "v4", "s": 3000, "d": 1000, "m": end_card}]},
            {"id": "a", "tt": 1, "m": {"name": "BGM", "volume": 35}, "sg": [
                {"id": "a1", "s": 0, "d": 4000, "m": music}]},
            {"id": "x", "tt": 7, "m": {"name": "Title"}, "sg": [
                {"id": "x1", "s": 0, "d": 900, "m": {"text": "Product showcase"}}]},
            {"id": "c", "tt": 7, "m": {"name": "Captions"}, "sg": [
                {"id": "c1", "s": 1500, "d": 1000, "m": caption}]},
        ],
    }  # fmt: skip


def test_a_1080p_showcase(tmp_path: Path) -> None:
    assets = {
        "a_1": solid(tmp_path / "one.jpg", PHOTO1, (1600, 1200)),
        "a_2": solid(tmp_path / "two.jpg", PHOTO2, (1200, 1600)),
        "a_3": dots(tmp_path / "three.png", (2400, 1350), apart=1600),
        "a_logo": logo(tmp_path / "logo.png"),
    }
    result = run(tmp_path, _showcase(), assets, "high")
    facts = probe(result.path)
    assert (facts.codec, facts.profile, facts.pix_fmt) == ("h264", "High", "yuv420p")
    assert (facts.width, facts.height, facts.fps, facts.frames) == (1920, 1080, 30, 120)
    assert abs(facts.duration - 4.0) <= 1 / 30
    assert (facts.audio_codec, facts.audio_rate) == ("aac", 48000) and rms(facts.audio) > 0.01
    head = Path(result.path).read_bytes()
    assert head.index(b"moov") < head.index(b"mdat")

    frames = frames_at(result.path, 0.5, 1.25, 2.0, 3.8)
    title, blend, captioned, end = frames[0.5], frames[1.25], frames[2.0], frames[3.8]
    assert (title[480:600, 700:1220].min(axis=2) > 230).sum() > 2000
    assert (title[:300].min(axis=2) > 230).sum() == 0
    middle = tuple((a + b) / 2 for a, b in zip(PHOTO1, PHOTO2, strict=True))
    assert np.abs(blend[200, 200].astype(float) - middle).max() < 14
    bottom = captioned[850:1000, 400:1520]
    assert (bottom.min(axis=2) > 230).sum() > 1000 and (bottom.max(axis=2) < 110).sum() > 20_000
    assert (end[:, :300].min(axis=2) > 240).mean() > 0.95
    assert end[540, 960, 0] > 180 and end[540, 960, 1] < 80
