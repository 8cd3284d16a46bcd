"""The agent's parts: reading, sharing time, the draft contract, scripts, voices, GUI-speak."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from agent_support import BrokenVoice, FakeVoice, assets, draft, known, table
from hypothesis import given
from hypothesis import strategies as st

from vidskill.server.agent import AgentAsset, TurnInput, check_draft, gui_speak, plan_turn, run_turn
from vidskill.server.agent.layout import allocate
from vidskill.server.agent.media import find_logo, pretty_name
from vidskill.server.agent.parse import Uploads, parse
from vidskill.server.agent.sanitize import read_draft
from vidskill.server.agent.script import split_scenes

PARSE = yaml.safe_load((Path(__file__).parent / "data" / "agent_parse.yaml").read_text("utf-8"))


@pytest.mark.parametrize("row", PARSE, ids=[row["message"][:40] for row in PARSE])
def test_reading_a_message(row: dict[str, Any]) -> None:
    request = parse(row["message"], Uploads(pictures=3))
    assert (request.create.workflow if request.create else None) == row["create"]
    assert [repr(edit) for edit in request.edits] == row["edits"]


def test_a_script_after_a_colon_is_not_read_as_edits() -> None:
    request = parse("generate a video from my script: Remove the music. Make it vertical.")
    assert request.create is not None and request.create.workflow == "script"
    assert request.create.script == "Remove the music. Make it vertical."
    assert request.edits == ()


@given(
    st.integers(1000, 600_000),
    st.lists(st.floats(0.1, 100), min_size=1, max_size=30),
)
def test_shares_fill_the_time_in_proportion(total: int, weights: list[float]) -> None:
    shares = allocate(total, weights)
    assert all(share >= 100 for share in shares)
    if total >= 100 * len(weights):
        assert sum(shares) == total


@given(st.integers(1000, 100_000), st.lists(st.integers(100, 20_000), min_size=1, max_size=12))
def test_shares_keep_their_bounds(total: int, lows: list[int]) -> None:
    shares = allocate(total, [1.0] * len(lows), lows=lows)
    unit = 100 if total % 100 == 0 else 1
    rounded = [-(-low // unit) * unit for low in lows]
    assert all(share >= low for share, low in zip(shares, lows, strict=True))
    if sum(rounded) <= total:
        assert sum(shares) == total
    else:
        assert shares == rounded  # too little time: every picture at its shortest


def test_clip_lengths_cap_their_shares() -> None:
    assert allocate(12000, [1, 1, 1], highs=[5000, 3000, None]) == [4500, 3000, 4500]


def test_the_contract_passes_every_fixture_draft() -> None:
    names = [n for n in table()["drafts"] if n != "broken"]
    everything = {a["id"] for rows in table()["assets"].values() for a in rows}
    for name in names:
        assert check_draft(draft(name), everything | {"music:upbeat", "music:calm"}) == [], name


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["t"][0]["sg"][1].update(s=9000), "not back to back"),
        (lambda d: d.update(d=31000), "not the end of the longest track"),
        (lambda d: d["t"][0]["sg"][1].update(id="v1s1"), "used twice"),
        (lambda d: d["m"].update(width=1000), "canvas"),
        (lambda d: d["t"][0]["sg"][0]["m"].update(src="nope"), "unknown src"),
        (lambda d: d["t"][1]["sg"][0]["m"].update(src="music:jazz"), "unknown music mood"),
        (lambda d: d["t"][2]["sg"][0]["m"].update(text=" "), "no text"),
        (lambda d: d["t"][0]["sg"][0]["m"].update(motion="spin"), "motion"),
        (lambda d: d["t"][0]["sg"][0].update(d=0), "d > 0"),
        (lambda d: d["t"][1].update(tt=3), "tt 3"),
    ],
)
def test_the_contract_names_what_is_wrong(change: Any, problem: str) -> None:
    broken = json.loads(json.dumps(draft("product30")))
    change(broken)
    problems = check_draft(broken, {"a_1", "a_2", "a_3", "a_logo"})
    assert any(problem in p for p in problems), problems


def test_a_broken_stored_draft_is_read_into_a_valid_one() -> None:
    stored = draft("broken")
    assert check_draft(stored)
    repaired = read_draft(stored, {"ph1", "ph2", "ph3"})
    assert repaired is not None
    assert check_draft(repaired.to_json(), {"ph1", "ph2", "ph3"}) == []
    assert [s.m["src"] for s in repaired.t[0].sg] == ["ph1", "ph2"]


def test_not_a_draft_at_all_is_no_draft() -> None:
    assert read_draft(["t"], set()) is None
    result = plan_turn(TurnInput("make it 10 seconds", "en", "junk", ()), FakeVoice())  # type: ignore[arg-type]
    assert result.understood and not result.edited


def test_scenes_come_from_lines_then_sentences() -> None:
    assert split_scenes("One line.\nTwo line.") == ["One line.", "Two line."]
    assert split_scenes("First. Second! Third? v3.5 is out.") == [
        "First.",
        "Second!",
        "Third?",
        "v3.5 is out.",
    ]
    assert split_scenes("我们的咖啡。每一杯！欢迎") == ["我们的咖啡。", "每一杯！", "欢迎"]
    grouped = split_scenes(" ".join(f"Sentence {i}." for i in range(50)))
    assert len(grouped) <= 24 and grouped[0] == "Sentence 0. Sentence 1. Sentence 2."


def test_the_voice_speaks_the_script_language() -> None:
    voice = FakeVoice()
    plan_turn(TurnInput("根据我的脚本生成视频", "zh-CN", None, assets("script_zh")), voice)
    plan_turn(TurnInput("根据我的脚本生成视频", "zh-CN", None, assets("script_txt")), voice)
    assert [language for _, language in voice.spoken] == ["zh-CN"] * 3 + ["en"] * 3


def test_scene_lengths_follow_the_voice() -> None:
    upload = assets("script_txt")
    result = plan_turn(TurnInput("make a video from my script", "en", None, upload), FakeVoice())
    assert result.draft is not None
    scenes = result.draft["t"][0]["sg"]
    voices = result.draft["t"][1]["sg"]
    for scene, voice in zip(scenes, voices, strict=True):
        assert scene["s"] < voice["s"] and voice["s"] + voice["d"] <= scene["s"] + scene["d"]


def test_a_failing_voice_tool_still_gives_a_video() -> None:
    upload = assets("script_txt")
    result = run_turn(
        TurnInput("generate a 30 second video from my script", "en", None, upload), BrokenVoice()
    )
    assert result.edited and result.draft is not None
    assert check_draft(result.draft, known(upload, result)) == []
    assert "couldn't generate the voiceover" in result.reply
    assert [c.response["ok"] for c in result.calls if c.name == "generate_voiceover"] == [False]
    assert not any(t["tt"] == 1 for t in result.draft["t"])


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "generate a video from my script with voiceover, titled 'Our Coffee'"),
        ("zh-CN", "根据我的脚本生成带配音的视频，标题“我们的咖啡”"),
    ],
)
def test_a_title_keeps_clear_of_centred_captions(language: str, message: str) -> None:
    result = plan_turn(TurnInput(message, language, None, assets("script_txt")), FakeVoice())
    assert result.draft is not None
    places = {
        seg["m"]["style"]: seg["m"]["position"]
        for track in result.draft["t"]
        if track["tt"] == 7
        for seg in track["sg"]
    }
    assert places == {"caption": "center", "title": "top"}


def test_a_title_is_centred_over_pictures() -> None:
    turn = TurnInput("turn my photos into a slideshow titled 'Trip'", "en", None, assets("photos"))
    result = plan_turn(turn, FakeVoice())
    assert result.draft is not None
    titles = [s["m"] for t in result.draft["t"] if t["tt"] == 7 for s in t["sg"]]
    assert titles == [{"text": "Trip", "style": "title", "position": "center"}]


@pytest.mark.parametrize(
    ("language", "ask", "said"),
    [
        ("en", "make it 5 seconds", "The length stays at {s} s, as short as the voiceover allows."),
        ("zh-CN", "时长改成5秒", "时长保持{s}秒，配音至少需要这么长。"),
    ],
)
def test_a_length_below_the_voiceover_says_why_it_stays(language: str, ask: str, said: str) -> None:
    voice, upload = FakeVoice(), assets("script_txt")
    create = "generate a 5-second video from my script with voiceover and visuals"
    made = plan_turn(TurnInput(create, language, None, upload), voice)
    assert made.draft is not None and made.draft["d"] > 5000
    voices = tuple(
        AgentAsset(
            str(c.response["asset_id"]), "vo.wav", "audio", duration=c.response["duration_s"]
        )
        for c in made.calls
        if c.name == "generate_voiceover"
    )
    again = plan_turn(TurnInput(ask, language, made.draft, upload + voices), voice)
    seconds = f"{made.draft['d'] / 1000:.1f}".rstrip("0").rstrip(".")
    assert (again.understood, again.edited, again.draft) == (True, False, None)
    assert again.reply == said.format(s=seconds)


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), -3.0, 0.0, None])
def test_odd_voice_lengths_are_estimated(seconds: float | None) -> None:
    class OddVoice:
        def synthesize_voiceover(self, text: str, language: str) -> AgentAsset:
            return AgentAsset(f"vo_{len(text)}", "v.wav", "audio", duration=seconds)

    upload = assets("script_txt")
    result = plan_turn(TurnInput("make a video from my script", "en", None, upload), OddVoice())
    assert result.draft is not None and check_draft(result.draft, known(upload, result)) == []


def test_the_logo_is_found_by_name_or_by_size() -> None:
    assert (find_logo(assets("product")) or AgentAsset("", "", "image")).id == "a_logo"
    assert (find_logo(assets("product_brand")) or AgentAsset("", "", "image")).id == "brand"
    assert find_logo(assets("photos")) is None


@pytest.mark.parametrize(
    ("filename", "shown"),
    [
        ("red_sneaker-02.jpg", "Red Sneaker"),
        ("IMG_1234.JPG", None),
        ("DSC00012.jpg", None),
        ("微信图片_20240101.jpg", None),
        ("咖啡杯.png", "咖啡杯"),
        ("3f2a9c0d1e7b4a55.png", None),
    ],
)
def test_names_fit_to_show(filename: str, shown: str | None) -> None:
    assert pretty_name(filename) == shown


def test_tool_calls_are_plain_json() -> None:
    for case in table()["cases"]:
        turn = TurnInput(
            case["message"],
            case.get("lang", "en"),
            draft(case.get("draft")),
            assets(case["assets"]),
        )
        for call in plan_turn(turn, FakeVoice()).calls:
            assert json.loads(
                json.dumps({"name": call.name, "args": call.args, "response": call.response})
            )


def test_gui_speak_is_seeded_and_speaks_gui() -> None:
    english = {gui_speak("Done.", "en", random.Random(seed)) for seed in range(40)}
    chinese = {gui_speak("好的。", "zh-CN", random.Random(seed)) for seed in range(40)}
    assert gui_speak("Done.", "en", random.Random(7)) == gui_speak("Done.", "en", random.Random(7))
    assert len(english) > 1 and len(chinese) > 1
    assert all(
        t.startswith("Done. ") and any(w in t for w in ("Click", "drag", "Open", "Preview"))
        for t in english
    )
    assert all(
        t.startswith("好的。") and any(w in t for w in ("点击", "拖拽", "打开", "预览"))
        for t in chinese
    )
    assert "好的。拖拽素材到时间轴即可调整顺序。" in chinese
