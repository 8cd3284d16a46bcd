"""Render: the 30 s 1080p showcase (bench/render.py), a 9:16 showcase and a 60 s script video.

The 16:9 showcase is bench/render.py's own measurement (render and libx264-only baseline in
alternating fresh processes, ratio per pair). The 9:16 showcase (1080x1920) and the 60 s
script-to-video draft are measured the same way here, except that the baseline composes and
encodes in chunks of 300 frames (only the encoding is timed) so a 60 s video does not need
1800 frames in memory at once. The script draft is made by the local backend's own agent
from a nine-line script, with the voiceover spoken by `vidskill.render.tts`: colour cards,
caption cards, crossfades and a voice track. Target: render / libx264-only <= 1.3.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Result, Target, isolated, peak_rss_mb

CHUNK = 300
SCRIPT = "\n".join(
    [
        "Every morning starts with a single step out of the door.",
        "Our new running shoe is built for that first step and the thousandth.",
        "The upper is knitted from recycled yarn, light and breathable.",
        "A foam midsole returns energy with every stride you take.",
        "The outsole grips wet streets and dusty trails alike.",
        "Reflective details keep you visible when the light fades.",
        "It weighs less than an apple, yet it lasts for miles.",
        "Try it for thirty days, and if it is not for you, send it back.",
        "Find your pair today, and make every morning count.",
    ]
)


class FolderToolbox:
    """The agent's voiceover tool, writing WAVs into a folder (as the backend's toolbox does)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths: dict[str, str] = {}

    def synthesize_voiceover(self, text: str, language: str) -> Any:
        """Speak `text` into a new WAV and describe it as an audio asset."""
        from vidskill.render import tts
        from vidskill.server.agent import AgentAsset

        asset_id = f"a_voice{len(self.paths) + 1}"
        path = self.folder / f"{asset_id}.wav"
        seconds = tts.synthesize(text, language, str(path))
        self.paths[asset_id] = str(path)
        return AgentAsset(asset_id, path.name, "audio", None, None, seconds, None)


def script_case(folder: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The draft the agent makes for a 60-second video from the script, and its files."""
    from vidskill.server.agent import AgentAsset, TurnInput, run_turn

    script = AgentAsset("a_script", "script.txt", "text", None, None, None, SCRIPT)
    toolbox = FolderToolbox(folder)
    message = "turn my script into a 60-second video with a voiceover"
    turn = run_turn(TurnInput(message, "en", None, (script,)), toolbox)
    if turn.draft is None:
        raise RuntimeError(f"the agent made no draft: {turn.reply}")
    return turn.draft, toolbox.paths


def _usage() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime, peak_rss_mb()


def render_once(draft: dict[str, Any], assets: dict[str, str], out: str) -> dict[str, float]:
    """Render in this (fresh) process: wall, CPU, peak RSS, file size."""
    from vidskill.render import RenderRequest, render

    cpu0, start = _usage()[0], time.perf_counter()
    result = render(RenderRequest(draft, assets, out, "high"))
    wall, (cpu, rss) = time.perf_counter() - start, _usage()
    return {"wall_s": wall, "cpu_s": cpu - cpu0, "peak_rss_mb": rss, "size_mb": result.size / 1e6}


def encode_only(draft: dict[str, Any], assets: dict[str, str], out: str) -> dict[str, float]:
    """libx264 alone on the draft's frames: compose a chunk (untimed), encode it (timed)."""
    import numpy as np

    from vidskill.render.compose import Compositor
    from vidskill.render.encode import Encoder, settings_for
    from vidskill.render.validate import parse_timeline

    timeline = parse_timeline(draft, assets.keys())
    settings = settings_for(timeline.width, timeline.height, "high")
    compositor = Compositor(timeline, assets, (settings.width, settings.height))
    frames = np.empty((CHUNK, settings.height * 3 // 2, settings.width), np.uint8)
    encoder = Encoder(out, settings)
    wall = cpu = 0.0
    for first in range(0, timeline.frames, CHUNK):
        count = min(CHUNK, timeline.frames - first)
        for i in range(count):
            compositor.compose(compositor.job(first + i), frames[i])
        cpu0, start = _usage()[0], time.perf_counter()
        for i in range(count):
            encoder.write_video(frames[i])
        if first + count >= timeline.frames:
            encoder.finish()
        wall, cpu = wall + time.perf_counter() - start, cpu + _usage()[0] - cpu0
    compositor.close()
    return {"wall_s": wall, "cpu_s": cpu}


def compare(name: str, draft: dict[str, Any], assets: dict[str, str], runs: int) -> Result:
    """Alternate baseline and render in fresh processes; the ratio is taken per pair."""
    result = Result(name)
    renders, baselines = [], []
    with tempfile.TemporaryDirectory() as out:
        for i in range(runs):
            baselines.append(isolated(encode_only, draft, assets, f"{out}/base{i}.mp4"))
            renders.append(isolated(render_once, draft, assets, f"{out}/render{i}.mp4"))
    result.compare(
        ("render", renders),
        ("libx264-only", baselines),
        ("ratio wall render/x264", "ratio CPU render/x264"),
        Target("<=", 1.3),
    )
    result.add("render peak RSS", [r["peak_rss_mb"] for r in renders], "MB")
    result.add("file size", [r["size_mb"] for r in renders], "MB")
    return result.done()


def showcase(runs: int) -> Result:
    """bench/render.py's 30 s 1080p showcase, as a result of this suite."""
    from bench import render

    result = Result("render 16:9 30s")
    figures = render.main(runs)

    def values(spread: dict[str, float]) -> list[float]:
        return [spread["median"], spread["min"], spread["max"]]

    render_figures = figures["render"]
    result.add("render wall", values(render_figures["wall_s"]))
    result.add("render CPU", values(render_figures["cpu_s"]))
    # bench/render.py reads ru_maxrss, which includes the parent's peak at the fork.
    result.add("render ru_maxrss (see note)", values(render_figures["peak_rss_mb"]), "MB")
    result.add("file size", values(render_figures["size_mb"]), "MB")
    result.add("libx264-only wall", values(figures["x264_only"]["wall_s"]))
    result.add("libx264-only CPU", values(figures["x264_only"]["cpu_s"]))
    result.add("ratio wall render/x264", values(figures["ratio_wall"]), "x", Target("<=", 1.3))
    result.add("ratio CPU render/x264", figures["ratio_cpu"], "x")
    result.add("preview (540p ultrafast) wall", figures["preview_wall_s"])
    result.notes.append(
        "render 16:9: bench/render.py's figures (its median, min and max are shown as the runs); "
        "its peak memory is ru_maxrss, which includes the spawning parent's peak at the fork"
    )
    return result.done()


def run(*, quick: bool, runs: int | None) -> list[Result]:
    """All three cases (with --quick: 3 s versions, one pair each)."""
    from bench.render import make_assets, showcase_draft

    count = runs or (1 if quick else 3)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        assets = make_assets(Path(folder))
        if quick:
            results.append(compare("render 16:9 3s", showcase_draft(3000), assets, count))
        else:
            results.append(showcase(count))
        seconds = 3000 if quick else 30_000
        vertical = showcase_draft(seconds, width=1080, height=1920)
        results.append(compare(f"render 9:16 {seconds // 1000}s", vertical, assets, count))
        draft, voices = script_case(Path(folder))
        if quick:
            draft = _shortened(draft, 3000)
        results.append(compare(f"render script {draft['d'] // 1000}s", draft, voices, count))
    return results


def _shortened(draft: dict[str, Any], ms: int) -> dict[str, Any]:
    """The draft cut to its first `ms` (segments that start later are dropped)."""
    tracks = []
    for track in draft["t"]:
        kept = [dict(s, d=min(s["d"], ms - s["s"])) for s in track["sg"] if s["s"] < ms]
        if kept:
            tracks.append({**track, "sg": kept})
    return {**draft, "d": ms, "t": tracks}
