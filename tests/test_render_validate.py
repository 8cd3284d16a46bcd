"""validate_draft: the case table in tests/data/render_drafts.yaml, and arbitrary JSON."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from vidskill.render import DraftRejected, validate_draft
from vidskill.render.validate import parse_timeline

CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "render_drafts.yaml").read_text("utf-8"))
ASSETS = ["a_1", "a_2", "a_logo", "a_voice"]


def _expanded(case: dict[str, Any]) -> Any:
    body = copy.deepcopy(case["draft"])
    expand = case.get("expand", {})
    if "segments" in expand:
        extra = [{"s": i, "d": 1, "m": {}} for i in range(expand["segments"])]
        body["t"][0]["sg"].extend(extra)
    if "text_chars" in expand:
        body["t"][0]["sg"][0]["m"]["text"] = "x" * expand["text_chars"]
    return body


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_draft_case(case: dict[str, Any]) -> None:
    body, known = _expanded(case), case.get("assets", ASSETS)
    if case["error"] is None:
        validate_draft(body, known)
        spans = case.get("expect", {}).get("spans")
        if spans is not None:
            timeline = parse_timeline(body, known)
            found = [[v.start, v.dur] for track in timeline.video for v in track.items]
            assert found == spans
    else:
        with pytest.raises(DraftRejected) as caught:
            validate_draft(body, known)
        assert case["error"] in str(caught.value)


def test_rejection_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="must be an object"):
        validate_draft(None, [])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
VALUE = st.one_of(
    JSON,
    st.sampled_from(
        ["a_1", "music:calm", "music:x", "#FFFFFF", "#ff00zz", "zoom_in", "title", "center"]
    ),
    st.integers(-10, 700_000),
)
SEGMENT_KEYS = ("s", "d", "src", "kind", "color", "fit", "motion", "transition", "text", "style")
KEYS = st.sampled_from(
    (*SEGMENT_KEYS, "position", "size", "volume", "opacity", "scale", "in", "box")
)
SEGMENT = st.fixed_dictionaries(
    {"s": VALUE, "d": VALUE}, optional={"m": st.dictionaries(KEYS, VALUE, max_size=6), "id": VALUE}
)
TRACK = st.fixed_dictionaries(
    {"tt": st.sampled_from([0, 1, 7, 2, True, "0"]), "sg": st.lists(SEGMENT, max_size=4)},
    optional={"m": st.dictionaries(st.sampled_from(["volume", "name"]), VALUE), "id": VALUE},
)
DRAFT = st.fixed_dictionaries(
    {"d": VALUE, "t": st.lists(TRACK, max_size=4) | JSON},
    optional={"m": st.dictionaries(st.sampled_from(["width", "height", "fps", "bg"]), VALUE)},
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(JSON, DRAFT))
def test_arbitrary_json_is_accepted_or_rejected_cleanly(body: object) -> None:
    try:
        validate_draft(body, ASSETS)
    except DraftRejected as exc:
        assert str(exc)
