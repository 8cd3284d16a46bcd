"""Rendered MP4s probed with PyAV: container facts, duration, audio, text and failures."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from render_support import Pixels, dots, draft, frames_at, probe, rms, run, solid, track

from vidskill.render import DraftRejected, RenderError, RenderRequest, render
from vidskill.render.fonts import font

Mask = npt.NDArray[np.bool_]
GREY = {"kind": "color", "color": "#404040"}


@pytest.mark.parametrize(
    ("size", "expected"),
    [((1920, 1080), (960, 540)), ((1080, 1920), (540, 960)), ((1080, 1080), (540, 540))],
)
def test_preview_canvas_sizes(
    tmp_path: Path, size: tuple[int, int], expected: tuple[int, int]
) -> None:
    result = run(tmp_path, draft(500, [track(0, (0, 500, GREY))], size), {})
    facts = probe(result.path)
    assert (facts.width, facts.height) == expected == (result.width, result.height)
    assert (facts.codec, facts.pix_fmt, facts.fps) == ("h264", "yuv420p", 30)


@pytest.mark.parametrize("duration", [1000, 1017, 1234, 333])
def test_duration_matches_the_draft_within_a_frame(tmp_path: Path, duration: int) -> None:
    result = run(tmp_path, draft(duration, [track(0, (0, duration, GREY))]), {})
    facts = probe(result.path)
    assert facts.frames == round(duration * 30 / 1000)
    assert abs(facts.duration - duration / 1000) <= 1 / 30
    assert abs(result.duration_s - duration / 1000) <= 1 / 30
    assert result.size == Path(result.path).stat().st_size


def test_a_draft_without_audio_still_has_a_silent_audio_stream(tmp_path: Path) -> None:
    facts = probe(run(tmp_path, draft(1000, [track(0, (0, 1000, GREY))]), {}).path)
    assert (facts.audio_codec, facts.audio_rate) == ("aac", 48000)
    assert len(facts.audio) >= 48000 * 0.9
    assert rms(facts.audio) < 1e-4


def test_music_is_heard_and_fades_in(tmp_path: Path) -> None:
    music = {"src": "music:upbeat", "volume": 80, "fade_in": 1000}
    body = draft(2000, [track(0, (0, 2000, GREY)), track(1, (0, 2000, music))])
    facts = probe(run(tmp_path, body, {}).path)
    assert facts.audio_codec == "aac"
    first, late = facts.audio[:4800], facts.audio[62_000:90_000]
    assert rms(late) > 0.02
    assert rms(first) < rms(late) / 4
    assert np.max(np.abs(facts.audio)) <= 1.0


def test_an_audio_asset_plays_at_its_place_and_volume(tmp_path: Path) -> None:
    from vidskill.render import tts

    voice = str(tmp_path / "voice.wav")
    spoken = tts.synthesize("Hello there, this is a test.", "en", voice)
    body = draft(3000, [track(1, (1000, 2000, {"src": "a_v", "volume": 100}))])
    facts = probe(run(tmp_path, body, {"a_v": voice}).path)
    assert rms(facts.audio[: 48000 - 2400]) < 1e-4
    assert rms(facts.audio[48000 : 48000 + round(min(spoken, 2.0) * 48000)]) > 0.01


def test_a_picture_frame_is_not_blank(tmp_path: Path) -> None:
    body = draft(500, [track(0, (0, 500, {"src": "a", "kind": "image"}))])
    result = run(tmp_path, body, {"a": dots(tmp_path / "p.png", (800, 450), apart=400)})
    frame = frames_at(result.path, 0.2)[0.2]
    assert frame.max() > 200
    assert frame.std() > 5


def _ink(frame: Pixels, threshold: int = 200) -> Mask:
    return np.asarray(frame.min(axis=2) > threshold)


def test_a_title_is_drawn_where_the_draft_puts_it(tmp_path: Path) -> None:
    title = {"text": "HELLO WORLD", "style": "title", "position": "top"}
    body = draft(1000, [track(0, (0, 1000, GREY)), track(7, (0, 500, title))])
    frames = frames_at(run(tmp_path, body, {}).path, 0.3, 0.8)
    with_text, without = _ink(frames[0.3]), _ink(frames[0.8])
    top, rest = slice(0, 540 // 3), slice(540 // 3, 540)
    assert with_text[top].sum() > 500
    assert with_text[rest].sum() == 0
    assert without.sum() == 0


def _shape(mask: Mask, size: tuple[int, int] = (200, 50)) -> Mask:
    import cv2

    ys, xs = np.nonzero(mask)
    crop = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32)
    return np.asarray(cv2.resize(crop, size, interpolation=cv2.INTER_AREA) > 0.5)


def _pillow_ink(text: str) -> Mask:
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (600, 200), 0)
    ImageDraw.Draw(canvas).text((20, 20), text, font=font(96), fill=255)
    return np.asarray(canvas) > 128


def _iou(a: Mask, b: Mask) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def test_chinese_title_draws_glyphs_not_boxes(tmp_path: Path) -> None:
    text = "夏季促销"
    title = {"text": text, "style": "title", "box": False}
    body = draft(
        600, [track(0, (0, 600, {"kind": "color", "color": "#000000"})), track(7, (0, 600, title))]
    )
    frame = frames_at(run(tmp_path, body, {}, "high").path, 0.4)[0.4]
    drawn = _shape(_ink(frame, 128))
    glyphs = _shape(_pillow_ink(text))
    boxes = _shape(_pillow_ink("\uffff" * len(text)))
    assert _iou(drawn, glyphs) > 0.5
    assert _iou(drawn, boxes) < 0.3


def test_text_the_font_cannot_draw_fails_loudly(tmp_path: Path) -> None:
    body = draft(500, [track(7, (0, 500, {"text": "Sale 😀"}))])
    with pytest.raises(RenderError, match="U\\+1F600"):
        run(tmp_path, body, {})
    assert list(tmp_path.iterdir()) == []


def test_a_missing_asset_file_fails_before_rendering(tmp_path: Path) -> None:
    body = draft(500, [track(0, (0, 500, {"src": "a", "kind": "image"}))])
    with pytest.raises(RenderError, match="asset 'a' is missing"):
        run(tmp_path, body, {"a": str(tmp_path / "nope.jpg")})
    assert not (tmp_path / "out.mp4").exists()


def test_an_unreadable_image_fails_and_leaves_no_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_text("not a picture")
    body = draft(500, [track(0, (0, 500, {"src": "a", "kind": "image"}))])
    with pytest.raises(RenderError, match="cannot read the image"):
        run(tmp_path, body, {"a": str(bad)})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jpg"]


def test_a_bad_draft_is_rejected_before_rendering(tmp_path: Path) -> None:
    request = RenderRequest({"d": -1}, {}, str(tmp_path / "out.mp4"), "preview")
    with pytest.raises(DraftRejected):
        render(request)


def test_progress_rises_to_one(tmp_path: Path) -> None:
    heard: list[float] = []
    body = draft(1000, [track(0, (0, 1000, GREY))])
    render(RenderRequest(body, {}, str(tmp_path / "out.mp4"), "preview"), heard.append)
    assert heard == sorted(heard)
    assert heard[-1] == 1.0
    assert len(heard) > 10


def test_contain_fit_uses_the_background_colour(tmp_path: Path) -> None:
    picture = solid(tmp_path / "tall.jpg", (200, 40, 40), (200, 400))
    image = {"src": "a", "kind": "image", "fit": "contain", "color": "#FFFFFF"}
    frame = frames_at(
        run(tmp_path, draft(500, [track(0, (0, 500, image))]), {"a": picture}).path, 0.2
    )[0.2]
    assert frame[270, 40].min() > 240
    assert abs(int(frame[270, 480, 0]) - 200) < 16


def test_two_renders_of_one_output_do_not_trip_over_each_other(tmp_path: Path) -> None:
    """A worker orphaned by a killed server may render a job the restarted server renders too."""
    body = draft(2000, [track(0, (0, 2000, GREY))])
    started = threading.Barrier(2)
    results: list[object] = []

    def render_once() -> None:
        started.wait()
        try:
            results.append(run(tmp_path, body, {}))
        except Exception as exc:  # collected: the assertion below names it
            results.append(exc)

    workers = [threading.Thread(target=render_once) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert len(results) == 2 and not [r for r in results if isinstance(r, Exception)], results
    assert probe(str(tmp_path / "out.mp4")).frames == 60
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4"]  # no partial file left
