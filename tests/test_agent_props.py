"""Properties of the agent: any message on any stored draft gives an answer and a valid draft."""

from __future__ import annotations

from typing import Any

from agent_support import FakeVoice, assets, draft, known, table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vidskill.server.agent import AgentAsset, TurnInput, check_draft, plan_turn, run_turn

MESSAGES = [case["message"] for case in table()["cases"]]
WORDS = sorted({word for message in MESSAGES for word in message.split()})
HAN = sorted({ch for message in MESSAGES for ch in message if "\u4e00" <= ch <= "\u9fff"})
DRAFTS = [*table()["drafts"], "none"]
UPLOADS = list(table()["assets"])
LANGUAGES = ["en", "zh-CN", "zh", "fr", ""]

messages = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join),
    st.lists(st.sampled_from([*HAN, "，", "“", "”", "30", "%", "秒"]), max_size=24).map("".join),
    st.lists(st.sampled_from(MESSAGES), min_size=1, max_size=3).map(", then ".join),
)
junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["", " ", "x" * 600, "Logo", "music:calm", "music:jazz", "#FFFFFF", "a_1"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["d", "m", "t", "id", "tt", "sg", "s", "src", "text"]),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [here] + [p for key, item in value.items() for p in _paths(item, (*here, key))]
    if isinstance(value, list):
        return [here] + [p for i, item in enumerate(value) for p in _paths(item, (*here, i))]
    return [here]


@st.composite
def damaged(draw: st.DrawFn) -> dict[str, Any]:
    """A fixture draft with one value anywhere replaced by junk."""
    import copy

    base = copy.deepcopy(draft(draw(st.sampled_from([n for n in DRAFTS if n != "none"]))))
    assert base is not None
    path = draw(st.sampled_from(_paths(base)[1:]))
    holder: Any = base
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = draw(junk)
    return base


def _check(message: str, language: str, stored: Any, upload: tuple[AgentAsset, ...]) -> None:
    result = plan_turn(TurnInput(message, language, stored, upload), FakeVoice())
    assert result.reply.strip()
    if result.draft is not None:
        assert check_draft(result.draft, known(upload, result)) == []
        assert result.understood and result.edited
    if not result.understood:
        assert result.draft is None and not result.edited


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages, st.sampled_from(DRAFTS), st.sampled_from(UPLOADS), st.sampled_from(LANGUAGES))
def test_any_message_on_any_draft(
    message: str, draft_name: str, upload: str, language: str
) -> None:
    _check(message, language, draft(draft_name), assets(upload))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MESSAGES), st.one_of(junk, damaged()), st.sampled_from(UPLOADS))
def test_any_stored_value_as_draft(message: str, stored: Any, upload: str) -> None:
    _check(message, "en", stored, assets(upload))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(UPLOADS), st.lists(st.sampled_from(MESSAGES), min_size=1, max_size=6))
def test_a_whole_session_stays_valid(upload_name: str, session: list[str]) -> None:
    upload = assets(upload_name)
    stored: dict[str, Any] | None = None
    voice = FakeVoice()
    for message in session:
        result = run_turn(TurnInput(message, "en", stored, upload), voice)
        made = [
            AgentAsset(str(c.response["asset_id"]), "voice.wav", "audio", duration=1.0)
            for c in result.calls
            if "asset_id" in c.response
        ]
        upload = (*upload, *made)  # the server lists generated voices among the session's assets
        if result.draft is not None:
            assert check_draft(result.draft, known(upload, result)) == []
            stored = result.draft


@settings(max_examples=100, deadline=None)
@given(messages, st.sampled_from(DRAFTS), st.sampled_from(UPLOADS), st.sampled_from(LANGUAGES))
def test_same_input_same_result(message: str, draft_name: str, upload: str, language: str) -> None:
    turn = TurnInput(message, language, draft(draft_name), assets(upload))
    assert run_turn(turn, FakeVoice()) == run_turn(turn, FakeVoice())
