"""Against MoviePy: the 30 s 1080p showcase written with MoviePy 2, in the same sitting.

The MoviePy version is its fastest reasonable formulation: one `VideoClip` whose frame function
draws each frame with Pillow and numpy (an affine Ken Burns warp of a once-shrunk photo with
`Image.transform`, crossfades and fades as array blends, captions pasted as pictures drawn
once), rather than a composite of clips resized per frame. It uses the same motion geometry,
caption pictures and pre-mixed soundtrack as vidskill, and the same encoder settings (libx264
`veryfast`, CRF 20, AAC), so the two outputs should look alike: the SSIM of sampled frames
(numpy and OpenCV, Gaussian window) shows that. The soundtrack is mixed once beforehand and
not timed. Each side runs in a fresh process, alternating; the ratio is taken per pair.
Target: vidskill at least 5x faster. Needs `pip install -e '.[bench]'` (MoviePy 2).
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import Result, Target, isolated, peak_rss_mb
from bench.render_cases import render_once

SAMPLES = 12


class Showcase:
    """The frame function: the showcase timeline drawn with Pillow and numpy at time t."""

    def __init__(self, draft: dict[str, Any], assets: dict[str, str]) -> None:
        from PIL import Image

        from vidskill.render.text import draw_caption
        from vidskill.render.validate import parse_timeline

        self.timeline = timeline = parse_timeline(draft, assets.keys())
        self.out = (timeline.width, timeline.height)
        self.items = timeline.video[0].items
        self.pictures = {}
        for item in self.items:
            picture: Image.Image = Image.open(assets[item.src or ""])
            if picture.mode == "RGBA":  # a logo on its card colour
                card = Image.new("RGB", picture.size, item.color or (255, 255, 255))
                card.paste(picture, (0, 0), picture)
                picture = card
            self.pictures[item.start] = picture.convert("RGB")
        self.captions = [(c, draw_caption(c, *self.out)) for c in timeline.captions]
        self._shrunk: dict[int, tuple[Any, float]] = {}

    def _picture(self, item: Any, p: float) -> Any:
        import numpy as np
        from PIL import Image

        from vidskill.render.motion import affine, plan_move, prescale

        source = self.pictures[item.start]
        move = plan_move(item.motion, source.size, self.out, item.fit, item.dur / 1000)
        if item.start not in self._shrunk:
            scale = prescale(source.size, self.out, item.fit, move)
            size = (max(1, round(source.width * scale)), max(1, round(source.height * scale)))
            self._shrunk[item.start] = (source.resize(size, Image.Resampling.LANCZOS), scale)
        small, scale = self._shrunk[item.start]
        matrix = affine(source.size, self.out, item.fit, move, p)
        matrix = matrix @ np.diag([1 / scale, 1 / scale, 1.0])  # from the shrunk picture
        full = np.vstack([matrix, [0.0, 0.0, 1.0]])
        inverse = np.linalg.inv(full)[:2].ravel()
        background = item.color or (0, 0, 0)
        warped = small.transform(self.out, Image.Transform.AFFINE, tuple(inverse),
                                 Image.Resampling.BILINEAR, fillcolor=background)  # fmt: skip
        return np.asarray(warped, dtype=np.float32)

    def __call__(self, t: float) -> Any:
        import numpy as np

        ms = t * 1000
        index = max(i for i, item in enumerate(self.items) if item.start <= ms or i == 0)
        item = self.items[index]
        frame = self._picture(item, min(1.0, (ms - item.start) / item.dur))
        into = (ms - item.start) / item.transition_ms
        if index and item.transition != "none" and into < 1:
            before = self.items[index - 1]
            old = self._picture(before, min(1.0, (ms - before.start) / before.dur))
            eased = into * into * (3 - 2 * into)
            if item.transition == "fade_black":
                frame = old * max(0.0, 1 - 2 * eased) if eased < 0.5 else frame * (2 * eased - 1)
            else:
                frame = old * (1 - eased) + frame * eased
        for caption, picture in self.captions:
            if caption.start <= ms < caption.end:
                fade = min(200, caption.dur / 4)
                alpha = max(0.0, min(1.0, (ms - caption.start) / fade, (caption.end - ms) / fade))
                _paste(frame, picture, alpha)
        return np.clip(frame, 0, 255).astype(np.uint8)


def _paste(frame: Any, picture: Any, alpha: float) -> None:
    pixels = picture.rgba.astype("float32")
    h, w = pixels.shape[:2]
    region = frame[picture.y : picture.y + h, picture.x : picture.x + w]
    weight = pixels[..., 3:] / 255 * alpha
    region[...] = region * (1 - weight) + pixels[..., :3] * weight


def soundtrack(draft: dict[str, Any], assets: dict[str, str], path: str) -> None:
    """Mix the draft's sound once into a WAV with vidskill's mixer (not timed)."""
    import wave

    import numpy as np

    from vidskill.render.audio import Mixer
    from vidskill.render.model import SAMPLE_RATE
    from vidskill.render.validate import parse_timeline

    mixer = Mixer(parse_timeline(draft, assets.keys()), assets)
    block = mixer.block(mixer.total)
    mixer.close()
    pcm = (np.clip(block, -1, 1) * 32767).astype("<i2")
    with wave.open(path, "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes(pcm.reshape(-1, 2).tobytes())


def moviepy_once(
    draft: dict[str, Any], assets: dict[str, str], audio: str, out: str
) -> dict[str, float]:
    """Render with MoviePy in this (fresh) process: wall, CPU (with ffmpeg's), peak RSS."""
    import resource
    import time

    from moviepy import (  # type: ignore[import-untyped,import-not-found,unused-ignore]
        AudioFileClip,
        VideoClip,
    )

    def cpu() -> float:
        own, kids = (
            resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    cpu0, start = cpu(), time.perf_counter()
    frames = Showcase(draft, assets)
    clip = VideoClip(frames, duration=frames.timeline.duration / 1000)
    clip = clip.with_audio(AudioFileClip(audio))
    encoding = {"codec": "libx264", "preset": "veryfast", "ffmpeg_params": ["-crf", "20"]}
    # MoviePy writes its temporary audio file into the working folder unless told otherwise.
    temp = {"temp_audiofile_path": str(Path(out).parent)}
    clip.write_videofile(
        out, fps=30, audio_codec="aac", audio_bitrate="160k", logger=None, **encoding, **temp
    )
    return {
        "wall_s": time.perf_counter() - start,
        "cpu_s": cpu() - cpu0,
        "peak_rss_mb": peak_rss_mb(),
    }


def ssim(a: Any, b: Any) -> float:
    """Mean structural similarity of two grey images (Gaussian window, sigma 1.5)."""
    import cv2
    import numpy as np

    x, y = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(v: Any) -> Any:
        return cv2.GaussianBlur(v, (11, 11), 1.5)

    mx, my = blur(x), blur(y)
    vx, vy, cov = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    score = ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(score.mean())


def sampled_ssim(first: str, second: str, samples: int = SAMPLES) -> list[float]:
    """SSIM of evenly spaced frames (luma) of two videos of the same length."""
    import av

    def grey_frames(path: str) -> list[Any]:
        with av.open(path) as container:
            return [f.to_ndarray(format="gray") for f in container.decode(video=0)]

    a, b = grey_frames(first), grey_frames(second)
    count = min(len(a), len(b))
    picks = [round(i * (count - 1) / max(1, samples - 1)) for i in range(samples)]
    return [ssim(a[i], b[i]) for i in picks]


def run(*, quick: bool, runs: int | None) -> list[Result]:
    """MoviePy and vidskill on the same draft, alternating in fresh processes."""
    from bench.render import make_assets, showcase_draft

    count = runs or (1 if quick else 3)
    ms = 3000 if quick else 30_000
    result = Result(f"moviepy {ms // 1000}s")
    with tempfile.TemporaryDirectory() as folder:
        assets = make_assets(Path(folder))
        draft = showcase_draft(ms)
        soundtrack(draft, assets, f"{folder}/mix.wav")
        ours, theirs = [], []
        for i in range(count):
            theirs.append(
                isolated(moviepy_once, draft, assets, f"{folder}/mix.wav", f"{folder}/m{i}.mp4")
            )
            ours.append(isolated(render_once, draft, assets, f"{folder}/v{i}.mp4"))
        scores = sampled_ssim(f"{folder}/v0.mp4", f"{folder}/m0.mp4")
    result.compare(
        ("MoviePy", theirs),  # its CPU includes its ffmpeg child's
        ("vidskill", ours),
        ("speed-up MoviePy/vidskill wall", "speed-up CPU"),
        Target(">=", 5),
    )
    result.add("SSIM of sampled frames (mean)", statistics.fmean(scores), "")
    result.add("SSIM of sampled frames (min)", min(scores), "")
    result.extra = {"ssim": [round(s, 4) for s in scores]}
    return [result.done()]
