"""Render benchmark: the 30 s 1080p product showcase against libx264 alone on the same frames.

Each run happens in a fresh process (so peak memory is the run's own). Renders and baseline
encodes alternate, and the ratio is taken per pair, because the machine is shared and noisy.
The baseline composes the showcase's 900 frames beforehand (not timed) and then times only the
encoding of them with the same encoder settings. Run: `python -m bench.render [runs]`.
"""

from __future__ import annotations

import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Figures = dict[str, float]


def make_assets(folder: Path) -> dict[str, str]:
    """Three synthetic photos (2400x1600 JPEG) and a logo with transparency (PNG)."""
    import cv2
    import numpy as np
    from PIL import Image, ImageDraw

    assets = {}
    for index in range(3):
        rng = np.random.default_rng(index)
        y, x = np.mgrid[0:1600, 0:2400].astype(np.float32) / 2400
        mix = rng.random((3, 3))
        planes = [255 * (m[0] * x + m[1] * y + m[2] * (1 - x)) / 2 for m in mix]
        pixels = np.clip(np.stack(planes, -1), 0, 255).astype(np.uint8)
        for _ in range(25):
            centre = (int(rng.integers(0, 2400)), int(rng.integers(0, 1600)))
            colour = tuple(int(v) for v in rng.integers(0, 255, 3))
            cv2.circle(pixels, centre, int(rng.integers(20, 300)), colour, -1, cv2.LINE_AA)
        pixels = cv2.GaussianBlur(pixels, (0, 0), 3)
        grain = rng.integers(-6, 7, pixels.shape)
        pixels = np.clip(pixels.astype(np.int16) + grain, 0, 255).astype(np.uint8)
        path = folder / f"photo{index}.jpg"
        Image.fromarray(pixels).save(path, quality=90)
        assets[f"a_{index + 1}"] = str(path)
    logo = Image.new("RGBA", (800, 400), (0, 0, 0, 0))
    pen = ImageDraw.Draw(logo)
    pen.ellipse((20, 20, 380, 380), fill=(230, 60, 40, 255))
    pen.rectangle((420, 120, 780, 280), fill=(20, 40, 160, 220))
    logo.save(folder / "logo.png")
    assets["a_logo"] = str(folder / "logo.png")
    return assets


def showcase_draft(duration: int = 30_000, width: int = 1920, height: int = 1080) -> dict[str, Any]:
    """The product showcase of DRAFT.md: 3 photos, a logo end card, music, title, captions."""
    part = duration * 8 // 30

    def photo(n: int, motion: str, transition: str) -> dict[str, Any]:
        m = {"src": f"a_{n}", "kind": "image", "motion": motion, "transition": transition}
        return {"id": f"v1s{n}", "s": (n - 1) * part, "d": part, "m": m}

    def caption(n: int, text: str) -> dict[str, Any]:
        m = {"text": text, "style": "caption"}
        return {"id": f"x2s{n}", "s": (n - 1) * part + part // 4, "d": part // 2, "m": m}

    logo = {"src": "a_logo", "kind": "image", "fit": "contain", "color": "#FFFFFF"}
    music = {"src": "music:upbeat", "role": "bgm", "volume": 35, "fade_in": 500, "fade_out": 1500}
    return {
        "d": duration,
        "m": {"title": "Product showcase", "width": width, "height": height, "fps": 30},
        "t": [
            {"id": "v1", "tt": 0, "m": {"name": "Video"}, "sg": [
                photo(1, "zoom_in", "none"),
                photo(2, "pan_left", "crossfade"),
                photo(3, "zoom_out", "crossfade"),
                {"id": "v1s4", "s": 3 * part, "d": duration - 3 * part,
                 "m": {**logo, "transition": "fade_black"}},
            ]},
            {"id": "a1", "tt": 1, "m": {"name": "BGM", "volume": 35}, "sg": [
                {"id": "a1s1", "s": 0, "d": duration, "m": music}]},
            {"id": "x1", "tt": 7, "m": {"name": "Title"}, "sg": [
                {"id": "x1s1", "s": 0, "d": 3000, "m": {"text": "Product showcase"}}]},
            {"id": "x2", "tt": 7, "m": {"name": "Captions"}, "sg": [
                caption(1, "Light and breathable 轻盈透气"),
                caption(2, "Made for every day"),
                caption(3, "Summer sale 夏季促销"),
            ]},
        ],
    }  # fmt: skip


def _usage() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime, own.ru_maxrss / 1024


def _render_run(folder: str, assets: dict[str, str], quality: str) -> Figures:
    from vidskill.render import RenderRequest, render

    request = RenderRequest(showcase_draft(), assets, f"{folder}/showcase.mp4", quality)  # type: ignore[arg-type]
    cpu0, start = _usage()[0], time.perf_counter()
    result = render(request)
    wall, (cpu, rss) = time.perf_counter() - start, _usage()
    return {"wall_s": wall, "cpu_s": cpu - cpu0, "peak_rss_mb": rss, "size_mb": result.size / 1e6}


def _baseline_run(folder: str, assets: dict[str, str], quality: str) -> Figures:
    import numpy as np

    from vidskill.render.compose import Compositor
    from vidskill.render.encode import Encoder, settings_for
    from vidskill.render.validate import parse_timeline

    timeline = parse_timeline(showcase_draft(), assets.keys())
    settings = settings_for(timeline.width, timeline.height, quality)  # type: ignore[arg-type]
    compositor = Compositor(timeline, assets, (settings.width, settings.height))
    frames = np.empty((timeline.frames, settings.height * 3 // 2, settings.width), np.uint8)
    for index in range(timeline.frames):
        compositor.compose(compositor.job(index), frames[index])
    compositor.close()
    cpu0, start = _usage()[0], time.perf_counter()
    encoder = Encoder(f"{folder}/baseline.mp4", settings)
    for frame in frames:
        encoder.write_video(frame)
    encoder.finish()
    wall, (cpu, rss) = time.perf_counter() - start, _usage()
    return {"wall_s": wall, "cpu_s": cpu - cpu0, "peak_rss_mb": rss}


Task = Callable[[str, dict[str, str], str], Figures]


def _isolated(task: Task, folder: str, assets: dict[str, str], quality: str) -> Figures:
    """Run one measurement in a fresh process, so its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(task, (folder, assets, quality))


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(runs: int = 3) -> dict[str, Any]:
    """Run the benchmark, print a table and return the figures."""
    renders, baselines, ratios = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        assets = make_assets(Path(folder))
        for _ in range(runs):
            baselines.append(_isolated(_baseline_run, folder, assets, "high"))
            renders.append(_isolated(_render_run, folder, assets, "high"))
            ratios.append(renders[-1]["wall_s"] / baselines[-1]["wall_s"])
        preview = _isolated(_render_run, folder, assets, "preview")
    figures: dict[str, Any] = {
        "render": {key: _spread([r[key] for r in renders]) for key in renders[0]},
        "x264_only": {key: _spread([b[key] for b in baselines]) for key in baselines[0]},
        "ratio_wall": _spread(ratios),
        "ratio_cpu": statistics.median(r["cpu_s"] for r in renders)
        / statistics.median(b["cpu_s"] for b in baselines),
        "preview_wall_s": preview["wall_s"],
        "runs": runs,
    }
    _print(figures)
    return figures


def _print(figures: dict[str, Any]) -> None:
    print(f"30 s 1080p30 showcase, veryfast, {figures['runs']} runs (median [min-max])")
    for name in ("render", "x264_only"):
        for key, spread in figures[name].items():
            print(f"  {name:<10} {key:<12} {spread['median']:8.2f} "
                  f"[{spread['min']:.2f}-{spread['max']:.2f}]")  # fmt: skip
    ratio = figures["ratio_wall"]
    print(f"  ratio render/x264 wall {ratio['median']:.2f} [{ratio['min']:.2f}-{ratio['max']:.2f}]")
    print(f"  ratio render/x264 cpu  {figures['ratio_cpu']:.2f} (medians)")
    print(f"  preview (540p, ultrafast) wall {figures['preview_wall_s']:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
