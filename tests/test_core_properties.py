"""Property tests: the translators and the draft model take anything and never crash.

`translate` never raises; `parse_draft` raises only `DraftError`, and only for a non-mapping;
`summary`, `diff` and `draw` never raise on a parsed draft. The inputs are arbitrary text and
arbitrary JSON-like trees, plus trees built from the draft's own keys so the deep paths run.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vidskill.errors import DraftError
from vidskill.timeline import Draft, diff, draw, find_draft, parse_draft, summary
from vidskill.timeline_draw import MAX_WIDTH, MIN_WIDTH
from vidskill.translators import translate

KINDS = {"export", "show_state", "show_timeline", "send_edit", "show_credits", "call_endpoint"}
SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])

# Pieces that reach the translators' harder paths: verbs, leads, labels, quotes, punctuation.
FRAGMENTS = [
    "click ", "Click ", "tap ", "press ", "hit ", "select ", "use ", "double-click ", "drag ",
    "Drag and drop ", "drop ", "open ", "Open the ", "go to ", "preview ", "check ", "see ",
    "you can ", "please ", "just ", "by ", "the ", "a ", "your ", "Export", "export", "Upload",
    "Credits", "billing", "account", "timeline", "track", "logo", "here", "button", " panel",
    " icon", " to ", " into ", " onto ", " in the top right corner", " when ", " and ", " then ",
    "top up", "点击", "单击", "拖拽", "拖动", "拖", "把", "将", "到", "打开", "前往", "在时间轴",
    "预览", "查看", "导出", "下载", "按钮", "上传", "充值", "积分", "即可", "请", "可以", "面板",
    "“", "”", '"', "'", "**", "[", "]", "「", "」", "，", "。", ".", ",", "!", "?", ";", ":",
    "—", " ", "\n", "\t", "\x00", "İ", "ß", "🎬", "{}", "{0}", "%s", "\\",
]  # fmt: skip
stitched = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)
texts = st.one_of(st.text(), stitched)

# Arbitrary JSON-like trees, and trees made of the draft's own keys and typical values.
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
KEYS = [
    "d", "m", "t", "tt", "sg", "s", "id", "name", "src", "kind", "text", "style", "role",
    "volume", "title", "width", "height", "fps", "motion", "transition", "position", "tracks",
    "segments", "duration", "start", "meta", "metadata", "type", "state", "draft", "data", "code",
]  # fmt: skip
VALUES = [
    0, 1, 7, 5, -1, 2.5, 0.35, 1e300, "0", "7", "audio", "video", "1000", "-5", "1e9", "nan",
    "bgm", "voiceover", "caption", "title", "lower_third", "color", "music:lofi", "Logo", "",
    "夜景", 10**30, -(10**30),
]  # fmt: skip
json_trees = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=30,
)
shaped_leaves = st.one_of(leaves, st.sampled_from(VALUES))
shaped_trees = st.recursive(
    shaped_leaves,
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=8)
    ),
    max_leaves=60,
)
segments = st.dictionaries(
    st.sampled_from(["id", "s", "d", "m"]),
    shaped_leaves | st.dictionaries(st.sampled_from(KEYS), shaped_leaves, max_size=8),
    max_size=4,
)
tracks = st.dictionaries(
    st.sampled_from(["id", "tt", "m", "sg"]),
    shaped_leaves | st.lists(segments | shaped_leaves, max_size=6),
    max_size=4,
)
drafts = st.dictionaries(
    st.sampled_from(["d", "m", "t"]),
    shaped_leaves
    | st.dictionaries(st.sampled_from(KEYS), shaped_leaves, max_size=5)
    | st.lists(tracks | shaped_leaves, max_size=5),
    max_size=3,
)
any_draft_input = st.one_of(json_trees, shaped_trees, drafts)


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@SETTINGS
@given(texts)
def test_translate_never_raises_and_keeps_its_promises(text: str) -> None:
    result = translate(text)
    assert isinstance(result.text, str)
    if not result.actions:
        assert result.text == text
    seen = set()
    for action in result.actions:
        assert action.kind in KINDS
        assert action.source in text and action.source == action.source.strip()
        assert (action.kind, action.detail) not in seen
        seen.add((action.kind, action.detail))
    json.dumps(result.to_json(), ensure_ascii=False)


def _parse(value: object) -> Draft | None:
    """The parsed draft, or None when the input is not a mapping (the one allowed error)."""
    try:
        return parse_draft(value)
    except DraftError:
        assert not isinstance(value, Mapping)
        return None


@SETTINGS
@given(any_draft_input)
def test_parse_draft_raises_only_draft_error_and_only_for_non_mappings(value: object) -> None:
    draft = _parse(value)
    if isinstance(value, Mapping):
        assert isinstance(draft, Draft)
    unwrapped = _parse(find_draft(value))
    assert unwrapped is None or isinstance(unwrapped, Draft)


@SETTINGS
@given(
    any_draft_input,
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from(["en", "zh-CN"]),
)
def test_summary_and_draw_never_raise(value: object, width: int, lang: str) -> None:
    draft = _parse(value)
    if draft is None:
        return
    count = len(draft.tracks)
    line = summary(draft, lang)
    assert "\n" not in line
    assert line.startswith(
        f"Timeline ({count} track" if lang == "en" else f"时间轴（{count} 条轨道）"
    )
    drawing = draw(draft, width, lang)
    lines = drawing.split("\n")
    assert len(lines) == (count + 2 if count else 1)
    limit = max(MIN_WIDTH, min(width, MAX_WIDTH))
    assert all(_columns(row) <= limit for row in lines)


@SETTINGS
@given(any_draft_input, any_draft_input, st.sampled_from(["en", "zh-CN"]))
def test_diff_never_raises_and_sees_no_change_in_the_same_draft(
    old_value: object, new_value: object, lang: str
) -> None:
    old, new = _parse(old_value), _parse(new_value)
    if new is None:
        return
    assert diff(new, new, lang) == []
    assert diff(None, new, lang)
    lines = diff(old, new, lang)
    assert all(isinstance(line, str) and line for line in lines)
    assert len(lines) == len(set(lines))
    if old is not None and old != new:
        assert lines or _same_to_a_reader(old, new)


def _same_to_a_reader(old: Draft, new: Draft) -> bool:
    """Two drafts may differ only in what the change list leaves out (ids, fps, unread items)."""
    return summary(old) == summary(new)
