"""The five seed workflows, in English and Chinese, rendered by a real local backend over HTTP.

Each case goes token → session → upload → run_sse → state → render → poll → download, then the
MP4 is probed (canvas, H.264, duration within one frame of the draft, an audio stream) and looked
at: no blank frames, and the title's pixels where the draft puts the title. All renders are
queued up front so the server's two render workers overlap them with the checks.
"""

from __future__ import annotations

import copy
import math
import struct
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np
import numpy.typing as npt
import pytest
import yaml
from PIL import Image, ImageDraw
from servers import LiveServer, live_server

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "seed_renders.yaml").read_text("utf-8")
)["cases"]
IDS = [f"{case['workflow']}-{case['lang']}" for case in CASES]
FRAME_S = 1 / 30
BANDS = {"top": (0.0, 0.34), "center": (0.33, 0.67), "bottom": (0.66, 1.0)}
MIN_INK = 1500  # pixels of title colour a title of a few words leaves at 1080p
MIN_STD = 4.0  # grey-level spread below which a frame counts as blank (a flat colour)
Pixels = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Job:
    """One render queued on the server: who asked, for which session, and the draft sent."""

    token: str = field(repr=False)
    session: str
    render_id: str
    draft: dict[str, Any]


# ---- media the cases upload -------------------------------------------------------------------


def _photo(path: Path, index: int) -> Path:
    """A textured photo with no near-white pixel, so title ink stands out against it."""
    width, height = 640, 480
    ramp = np.linspace(0, 1, width, dtype=np.float64)[None, :, None]
    base = np.array([(150, 70, 40), (40, 110, 150), (60, 140, 70)][index % 3], np.float64)
    pixels = base * (0.6 + 0.5 * ramp) * np.ones((height, 1, 1))
    picture = Image.fromarray(np.clip(pixels, 0, 190).astype(np.uint8))
    pen = ImageDraw.Draw(picture)
    for k in range(6):
        x, y = 60 + 95 * k, 80 + 50 * ((k + index) % 6)
        pen.ellipse((x, y, x + 70, y + 70), fill=(30 + 20 * k, 60, 120 - 10 * k))
    picture.save(path)
    return path


def _logo(path: Path) -> Path:
    picture = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(picture).ellipse((20, 20, 180, 180), fill=(200, 30, 30, 255))
    picture.save(path)
    return path


def _voice(path: Path, seconds: float) -> Path:
    """A spoken-range warble as a mono 16-bit WAV."""
    rate = 22_050
    samples = (
        int(8000 * math.sin(2 * math.pi * (220 + 80 * math.sin(3 * t / rate)) * t / rate))
        for t in range(round(seconds * rate))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


def _uploads(folder: Path, wanted: dict[str, Any]) -> list[Path]:
    folder.mkdir(parents=True)
    files = [_photo(folder / f"photo{i + 1}.png", i) for i in range(wanted.get("photos", 0))]
    if wanted.get("logo"):
        files.append(_logo(folder / "logo.png"))
    if "voice" in wanted:
        files.append(_voice(folder / "voice.wav", float(wanted["voice"])))
    if "script" in wanted:
        script = folder / "script.txt"
        script.write_text(str(wanted["script"]), "utf-8")
        files.append(script)
    return files


# ---- the call sequence ------------------------------------------------------------------------


def _queue(srv: LiveServer, folder: Path, case: dict[str, Any], name: str) -> Job:
    """Everything up to the render request, over the HTTP API as a client makes it."""
    token = srv.anonymous_token(f"seed-{name}")
    session = srv.new_session(token, case["lang"])
    srv.upload(session, *_uploads(folder, case["uploads"]), token=token)
    turn = srv.chat(session, case["message"], token)
    assert turn.status == 200 and "".join(turn.texts).strip(), turn.lines
    draft = dict(srv.state(session, token)["draft"])
    job = Job(token, session, f"render_{name}", draft)
    return _submit(srv, job)


def _submit(srv: LiveServer, job: Job) -> Job:
    answer = srv.submit_render(job.session, job.render_id, job.draft, job.token)
    assert answer.status_code == 200, answer.text
    return job


def _download(srv: LiveServer, job: Job, path: Path) -> Path:
    done = srv.wait_for_render(job.render_id, job.token)
    assert done["status"] == "completed", done
    headers = srv.headers(job.token)
    with httpx.stream("GET", done["output"]["url"], headers=headers, timeout=60) as r:
        assert r.status_code == 200
        with path.open("wb") as out:
            for chunk in r.iter_bytes():
                out.write(chunk)
    return path


def _untitled(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft with every title segment taken out (tracks left empty go too)."""
    out = copy.deepcopy(draft)
    for track in out["t"]:
        if track["tt"] == 7:
            track["sg"] = [s for s in track["sg"] if s["m"].get("style", "title") != "title"]
    out["t"] = [t for t in out["t"] if t["tt"] != 7 or t["sg"]]
    return out


@pytest.fixture(scope="module")
def queued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, list[Job], Job]]:
    """One backend with every case's render queued, plus the first draft without its title."""
    root = tmp_path_factory.mktemp("seed_renders")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(root / "home"))  # the module outlives each test's private HOME
        with live_server(root / "data", render_workers=2) as srv:
            jobs = [_queue(srv, root / name, c, name) for c, name in zip(CASES, IDS, strict=True)]
            first = jobs[0]
            bare = Job(first.token, first.session, "render_untitled", _untitled(first.draft))
            yield srv, jobs, _submit(srv, bare)


# ---- looking at the result --------------------------------------------------------------------


def _frames(path: Path, times: list[float]) -> dict[float, Pixels]:
    """The RGB frame shown at each time (frame n shows from n/30 s to (n+1)/30 s)."""
    found: dict[float, Pixels] = {}
    with av.open(str(path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            shown = [t for t in times if math.floor(t / FRAME_S + 1e-6) == index]
            if shown:
                pixels = np.asarray(frame.to_ndarray(format="rgb24"), np.uint8)
                found.update((t, pixels) for t in shown)
    assert sorted(found) == sorted(times), f"no frame at {set(times) - set(found)}"
    return found


def _titles(draft: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        seg for t in draft["t"] if t["tt"] == 7 for seg in t["sg"]
        if seg["m"].get("style", "title") == "title"
    ]  # fmt: skip


def _quiet_time(draft: dict[str, Any]) -> float:
    """A time (s) on a picture, clear of any title, the logo end card and the blend into it."""
    main = next(t for t in draft["t"] if t["tt"] == 0)
    cleared = max((s["s"] + s["d"] for s in _titles(draft)), default=0)
    for seg in main["sg"]:
        if seg["m"].get("fit") == "contain" and seg["m"].get("name") == "Logo":
            continue
        low, high = max(seg["s"] + 600, cleared + 100), seg["s"] + seg["d"] - 100
        if low <= high:
            return float(low + high) / 2000
    raise AssertionError("the draft shows its title for the whole video")


def _band(frame: Pixels, position: str) -> Pixels:
    height, width = frame.shape[:2]
    low, high = BANDS[position]
    return frame[int(low * height) : int(high * height), width // 10 : width * 9 // 10]


def _ink(region: Pixels, color: str) -> int:
    """How many pixels are within a small distance of the colour `#RRGGBB`."""
    rgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], np.int16)
    return int((np.abs(region.astype(np.int16) - rgb).max(axis=2) <= 40).sum())


def title_shows(inside: Pixels, outside: Pixels, meta: dict[str, Any]) -> bool:
    """True when the title's band holds far more title-coloured pixels during the title than
    the same band does on a picture without it."""
    position = str(meta.get("position", "center"))
    color = str(meta.get("color", "#FFFFFF"))
    extra = _ink(_band(inside, position), color) - _ink(_band(outside, position), color)
    return extra >= MIN_INK


def _blank(frame: Pixels) -> bool:
    return float(frame.astype(np.float64).mean(axis=2).std()) < MIN_STD


def _probe(path: Path) -> dict[str, Any]:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio
        return {
            "codec": video.codec_context.name,
            "size": (video.width, video.height),
            "seconds": float(container.duration or 0) / av.time_base,
            "audio": audio[0].codec_context.name if audio else None,
        }


@dataclass(frozen=True)
class Looks:
    """Frames of a render: mid-title, clear of the title, and the middle of each picture."""

    inside: Pixels
    outside: Pixels
    pictures: list[Pixels]
    title: dict[str, Any]


def _look(path: Path, draft: dict[str, Any]) -> Looks:
    """The frames to look at, placed by the draft (its only title and its main track)."""
    (title,) = _titles(draft)
    middle, quiet = (title["s"] + title["d"] / 2) / 1000, _quiet_time(draft)
    main = next(t for t in draft["t"] if t["tt"] == 0)
    centres = [(seg["s"] + seg["d"] / 2) / 1000 for seg in main["sg"]]
    frames = _frames(path, sorted({middle, quiet, *centres}))
    return Looks(frames[middle], frames[quiet], [frames[t] for t in centres], title["m"])


def _marked(case: dict[str, Any], name: str) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=name, marks=marks)


@pytest.mark.parametrize("case", [_marked(c, n) for c, n in zip(CASES, IDS, strict=True)])
def test_a_seed_workflow_renders(
    case: dict[str, Any], queued: tuple[LiveServer, list[Job], Job], tmp_path: Path
) -> None:
    srv, jobs, _ = queued
    job = jobs[CASES.index(case)]
    assert [seg["m"]["text"] for seg in _titles(job.draft)] == [case["title"]]
    movie = _download(srv, job, tmp_path / "out.mp4")
    facts = _probe(movie)
    canvas = (job.draft["m"].get("width"), job.draft["m"].get("height"))
    assert canvas == (1920, 1080)  # landscape photos and no aspect asked: the default canvas
    assert (facts["codec"], facts["size"], facts["audio"]) == ("h264", canvas, "aac")
    assert abs(facts["seconds"] - job.draft["d"] / 1000) <= FRAME_S, facts
    looks = _look(movie, job.draft)
    assert not any(_blank(frame) for frame in (looks.inside, looks.outside, *looks.pictures))
    assert title_shows(looks.inside, looks.outside, looks.title)


def test_the_title_check_fails_when_the_title_is_missing(
    queued: tuple[LiveServer, list[Job], Job], tmp_path: Path
) -> None:
    srv, jobs, bare = queued
    titled = jobs[0]
    assert not _titles(bare.draft) and bare.draft["d"] == titled.draft["d"]
    movie = _download(srv, bare, tmp_path / "untitled.mp4")
    # The frames the titled render is judged by, taken where the titled draft shows its title.
    looks = _look(movie, titled.draft)
    assert not any(_blank(frame) for frame in (looks.inside, looks.outside, *looks.pictures))
    assert not title_shows(looks.inside, looks.outside, looks.title)
