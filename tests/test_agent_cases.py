"""The agent's behaviour table (tests/data/agent_cases.yaml), one test per case."""

from __future__ import annotations

from typing import Any

import pytest
from agent_support import (
    FakeVoice,
    assets,
    draft,
    known,
    logo_place,
    main_track,
    reply_language_ok,
    segs,
    table,
)

from vidskill.server.agent import TurnInput, TurnResult, check_draft, plan_turn, run_turn

CASES = table()["cases"]
GUI_WORDS = (
    "click",
    "drag",
    "open",
    "preview",
    "export",
    "点击",
    "拖",
    "打开",
    "预览",
    "导出",
    "充值",
)


def _id(case: dict[str, Any]) -> str:
    return f"{case.get('draft') or 'new'}:{case['message'][:40]}"


def _result(case: dict[str, Any]) -> TurnResult:
    turn = TurnInput(
        case["message"], case.get("lang", "en"), draft(case.get("draft")), assets(case["assets"])
    )
    return plan_turn(turn, FakeVoice())


def _music(d: dict[str, Any]) -> tuple[str | None, int | None]:
    found = segs(d, 1, role="bgm")
    if not found:
        return None, None
    src = str(found[0]["m"]["src"])
    return src.removeprefix("music:"), found[0]["m"].get("volume")


def _title(d: dict[str, Any]) -> str | None:
    found = segs(d, 7, style="title")
    return found[0]["m"]["text"] if found else None


def _properties(d: dict[str, Any]) -> dict[str, Any]:
    main = main_track(d) or {"sg": []}
    kinds = {0: "video", 1: "audio", 7: "text"}
    mood, volume = _music(d)
    return {
        "duration": d["d"],
        "canvas": f"{d['m']['width']}x{d['m']['height']}",
        "tracks": [kinds[tt] for tt in (0, 1, 7) if any(t["tt"] == tt and t["sg"] for t in d["t"])],
        "title": _title(d),
        "music": mood,
        "music_volume": volume,
        "order": [s["m"].get("src") or s["m"].get("color") for s in main["sg"]],
        "segments": len(main["sg"]),
        "captions": len(segs(d, 7, style="caption")),
        "voiceover": len(segs(d, 1, role="voiceover")),
        "logo": logo_place(d),
        "transitions": [s["m"].get("transition", "none") for s in main["sg"]],
        "motions": [s["m"].get("motion", "none") for s in main["sg"]],
    }


def _calls_in_order(wanted: list[str], made: list[str]) -> bool:
    rest = iter(made)
    return all(name in rest for name in wanted)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    result = _result(case)
    expect = dict(case.get("expect") or {})
    assert result.understood is case.get("understood", True), result.reply
    assert result.edited is case.get("edited", True), result.reply
    assert (result.draft is not None) is result.edited
    assert reply_language_ok(result.reply, case.get("lang", "en")), result.reply
    assert not any(word in result.reply.lower() for word in GUI_WORDS), result.reply
    for text in expect.pop("reply_has", []):
        assert text in result.reply, result.reply
    assert _calls_in_order(expect.pop("calls", []), [c.name for c in result.calls]), result.calls
    if result.draft is None:
        assert not expect, "a case without a new draft cannot expect draft properties"
        return
    upload = assets(case["assets"])
    assert check_draft(result.draft, known(upload, result)) == []
    found = _properties(result.draft)
    assert {key: found[key] for key in expect} == expect


def test_table_is_large_and_bilingual() -> None:
    languages = [c.get("lang", "en") for c in CASES]
    assert len(CASES) >= 60
    assert languages.count("zh-CN") >= 20


@pytest.mark.parametrize("case", CASES[::7], ids=[_id(c) for c in CASES[::7]])
def test_same_turn_same_result(case: dict[str, Any]) -> None:
    first, second = _result(case), _result(case)
    assert first == second
    turn = TurnInput(
        case["message"], case.get("lang", "en"), draft(case.get("draft")), assets(case["assets"])
    )
    assert run_turn(turn, FakeVoice()) == first
