"""The pure parts of the renderer: scene lookup, Ken Burns geometry, text wrapping, glyphs."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from vidskill.errors import DraftError, VidskillError
from vidskill.render.fonts import font, font_path, missing_glyphs, require_glyphs
from vidskill.render.model import DraftRejected, RenderError, Timeline, VideoTrack, Visual
from vidskill.render.motion import affine, plan_move, prescale
from vidskill.render.plan import Planner
from vidskill.render.text import wrap


def _timeline(*tracks: tuple[Visual, ...]) -> Timeline:
    video = tuple(VideoTrack(items, overlay=i > 0) for i, items in enumerate(tracks))
    return Timeline(duration=3000, width=1920, height=1080, video=video)


A = Visual(0, 1000, "color", motion="zoom_in")
B = Visual(1000, 1000, "color", transition="crossfade", transition_ms=400)
C = Visual(2500, 500, "color", transition="crossfade")


def test_a_transition_blends_from_the_previous_segment() -> None:
    planner = Planner(_timeline((A, B, C)))
    first, blend, settled = planner.scene(900), planner.scene(1200), planner.scene(1400)
    assert first.base is not None and first.base.visual is A and not first.in_transition
    assert blend.base is not None and blend.base.visual is B
    assert blend.prev is not None and blend.prev.visual is A and blend.blend == pytest.approx(0.5)
    assert not settled.in_transition


def test_motion_runs_through_the_next_segments_transition() -> None:
    layer = Planner(_timeline((A, B))).scene(0).base
    assert layer is not None and layer.shown_until == 1400
    assert layer.progress(700) == pytest.approx(0.5)


def test_after_a_gap_a_segment_comes_in_from_the_background() -> None:
    planner = Planner(_timeline((A, B, C)))
    assert planner.scene(2200).base is None
    late = planner.scene(2600)
    assert late.in_transition and late.prev is None


def test_overlays_fade_in_over_their_transition() -> None:
    logo = Visual(0, 2000, "color", transition="crossfade", transition_ms=500)
    scene = Planner(_timeline((A,), (logo,))).scene(250)
    assert [(layer.visual, fade) for layer, fade in scene.overlays] == [(logo, 0.5)]


def test_zoom_maps_the_centre_to_the_centre_and_grows() -> None:
    move = plan_move("zoom_in", (4000, 3000), (1920, 1080), "cover", 8.0)
    assert move.zoom[0] == 1.0 and move.zoom[1] == pytest.approx(1.15)
    src = (round(4000 * prescale((4000, 3000), (1920, 1080), "cover", move)), 0)
    src = (src[0], round(src[0] * 3 / 4))
    for p in (0.0, 0.5, 1.0):
        m = affine(src, (1920, 1080), "cover", move, p)
        centre = m @ np.array([(src[0] - 1) / 2, (src[1] - 1) / 2, 1.0])
        assert centre == pytest.approx([959.5, 539.5])
    start, end = (affine(src, (1920, 1080), "cover", move, p)[0, 0] for p in (0.0, 1.0))
    assert end / start == pytest.approx(1.15)
    assert end <= 1.0 + 1e-3


@pytest.mark.parametrize(
    ("motion", "axis", "sign"),
    [("pan_left", 0, -1), ("pan_right", 0, 1), ("pan_up", 1, -1), ("pan_down", 1, 1)],
)
def test_pans_move_the_picture_the_way_they_say(motion: str, axis: int, sign: int) -> None:
    move = plan_move(motion, (1600, 1200), (1920, 1080), "cover", 6.0)
    ends = move.dx if axis == 0 else move.dy
    assert sign * (ends[1] - ends[0]) > 0
    # Never past the picture's edge: the frame stays covered.
    scaled = (1600, 1200)[axis] * max(1920 / 1600, 1080 / 1200) * move.zoom[0]
    assert abs(ends[0]) <= (scaled - (1920, 1080)[axis]) / 2 + 1e-6


def test_english_wraps_at_spaces_and_chinese_between_characters() -> None:
    face = font(40)
    english = wrap("the quick brown fox jumps over the lazy dog", face, 300)
    assert all(face.getlength(line) <= 300 for line in english)
    assert " ".join(english) == "the quick brown fox jumps over the lazy dog"
    chinese = wrap("把这些照片做成三十秒的产品展示视频，加背景音乐。", face, 300)
    assert "".join(chinese) == "把这些照片做成三十秒的产品展示视频，加背景音乐。"
    assert len(chinese) > 1 and not any(line[0] in "，。" for line in chinese)


def test_explicit_line_breaks_are_kept() -> None:
    assert wrap("Summer\nSale", font(40), 1000) == ["Summer", "Sale"]


def test_missing_glyphs_are_named() -> None:
    assert missing_glyphs("Hi 你好, café “ok” —") == []
    assert missing_glyphs("Sale 😀😀 \U0001f680") == ["😀", "\U0001f680"]
    with pytest.raises(RenderError, match="U\\+1F600"):
        require_glyphs("Sale 😀")


def test_a_missing_font_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cvttf_NotoSansCJK_Regular", None)
    font_path.cache_clear()
    font.cache_clear()
    try:
        with pytest.raises(RenderError, match="pip install cvttf-NotoSansCJK-Regular"):
            font(40)
    finally:
        font_path.cache_clear()
        font.cache_clear()


def test_render_errors_belong_to_the_one_tree() -> None:
    assert issubclass(RenderError, VidskillError)
    assert issubclass(DraftRejected, DraftError) and issubclass(DraftRejected, ValueError)
