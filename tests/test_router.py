"""The router against its case table, plus the pitfalls and the `vidskill route` command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, ROOT

from vidskill._router_words import _TABLE, _expand
from vidskill.cli import main
from vidskill.router import Intent, Why, route

CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "router_cases.yaml").read_text("utf-8"))
KINDS = {"export", "credits", "state", "upload", "chat", "command"}


def _fill(value: Any, folder: str) -> Any:
    if isinstance(value, str):
        return value.replace("{dir}", folder)
    if isinstance(value, list):
        return [_fill(item, folder) for item in value]
    return value


def _route_case(
    case: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Intent, dict[str, Any]]:
    folder = ""
    if case.get("create"):
        base = tmp_path_factory.mktemp("drop")
        for name in case["create"]:
            (base / name).parent.mkdir(parents=True, exist_ok=True)
            (base / name).write_bytes(b"\x00")
        folder = str(base)
    filled = {key: _fill(value, folder) for key, value in case.items()}
    home = folder if case.get("home") else None
    return route(filled["text"], exists=os.path.exists, home=home), filled


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_route_case(case: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    intent, expected = _route_case(case, tmp_path_factory)
    assert intent.kind == expected["intent"], intent.why
    for field in ("rule", "keyword"):
        if field in expected:
            assert getattr(intent.why, field) == expected[field], intent.why
    for field, attribute in (
        ("rest", "text"),
        ("command", "command"),
        ("args", "args"),
        ("lang", "lang"),
    ):
        if field in expected:
            assert getattr(intent, attribute) == expected[field], intent.why
    for field in ("files", "urls"):
        if field in expected:
            assert list(getattr(intent, field)) == expected[field], intent.why
    why = intent.why
    if why.start >= 0:
        assert expected["text"][why.start : why.end] == why.keyword


def test_case_table_is_broad() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert len(CASES) >= 170
    assert {case["intent"] for case in CASES} == KINDS
    han = [case for case in CASES if re.search(r"[\u4e00-\u9fff]", case["text"])]
    latin_only = [case for case in CASES if case["text"].isascii()]
    assert len(han) >= 50 and len(latin_only) >= 80
    assert sum(case.get("rule") in ("negated", "deferred") for case in CASES) >= 20
    assert sum("create" in case for case in CASES) >= 20


def test_word_boundary_pitfall_next_to_han() -> None:
    # Python's \b counts Han characters as word characters, so it misses these keywords.
    assert re.search(r"\bexport\b", "用export") is None
    assert re.search(r"\bexport\b", "export一下") is None
    assert route("用export").kind == "export"
    assert route("export一下").kind == "export"
    assert route("导出mp4").kind == "export"
    # ...and the boundaries still hold inside Latin words.
    assert route("reexported").kind == "chat"
    assert route("exportable").kind == "chat"


def test_bare_words_never_reach_the_file_system() -> None:
    asked: list[str] = []

    def exists(path: str) -> bool:
        asked.append(path)
        return True

    assert route("add music and export", exists=exists).kind == "chat"
    assert route("加音乐然后导出", exists=exists).kind == "chat"
    assert asked == []
    assert route("clip.mp4 add music", exists=exists).files == ("clip.mp4",)


def test_tilde_is_expanded_only_against_an_injected_home() -> None:
    seen: set[str] = {"/home/ann/clip.mp4"}
    assert route("~/clip.mp4", exists=seen.__contains__).kind == "chat"
    intent = route("~/clip.mp4", exists=seen.__contains__, home="/home/ann")
    assert intent.files == ("/home/ann/clip.mp4",)
    assert (
        route("~bob/clip.mp4", exists=lambda p: p.startswith("/home/"), home="/home/ann").kind
        == "chat"
    )


def test_root_and_dots_are_not_files() -> None:
    intent = route("export . .. ~ / ~/ \\", exists=lambda path: True, home="/")
    assert intent.files == ()
    assert intent.kind == "export"


def test_intent_json_shape() -> None:
    intent = route("render it")
    data = intent.to_json()
    assert data["intent"] == "export"
    assert data["lang"] == "en"
    assert data["why"] == {"rule": "keyword", "keyword": "render", "start": 0, "end": 6,
                           "note": intent.why.note}  # fmt: skip
    assert set(data) >= {"intent", "lang", "files", "urls", "text", "why"}
    json.dumps(data)


def test_intent_is_a_frozen_value() -> None:
    intent = route("导出")
    with pytest.raises(AttributeError):
        intent.kind = "chat"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        intent.why.rule = "x"  # type: ignore[misc]
    assert intent == Intent("export", "导出", why=Why("keyword", "导出", 0, 2, intent.why.note))
    assert isinstance(intent.why, Why)
    assert hash(intent) == hash(route("导出"))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "vidskill", "route", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=60,
        check=False,
    )  # fmt: skip


def test_cli_json_in_a_subprocess() -> None:
    done = _cli("导出", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert done.stdout.count("\n") == 1
    assert data["intent"] == "export"
    assert data["lang"] == "zh-CN"
    assert data["files"] == [] and data["urls"] == []
    assert data["text"] == "导出"
    assert data["why"]["keyword"] == "导出"


def test_cli_finds_a_dragged_file_and_expands_home(private_home: Path) -> None:
    clip = private_home / "My Clip.mp4"
    clip.write_bytes(b"\x00")
    done = _cli("~/My\\ Clip.mp4", "add", "music", "--json")
    data = json.loads(done.stdout)
    assert data["intent"] == "upload"
    assert data["files"] == [str(clip)]
    assert data["text"] == "add music"


def test_cli_route_imports_nothing_heavy() -> None:
    probe = (
        "import sys\n"
        "from vidskill.cli import main\n"
        "code = main(['route', '导出', '--json'])\n"
        "main(['route', 'render it'])\n"
        "heavy = ('langdetect', 'yaml', 'httpx', 'prompt_toolkit')\n"
        "heavy = [name for name in heavy if name in sys.modules]\n"
        "print(code, heavy)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 []"


def test_cli_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "don't", "export", "yet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("chat (en)")
    assert "negated" in out and "don't" in out


def test_cli_human_output_for_a_slash_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "/lang zh-CN"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "command (en): /lang zh-CN"
    assert out[1] == "  why: slash '/lang' at 0-5: slash command"


def test_a_long_text_is_content_for_the_agent() -> None:
    script = "Scene one: the hero downloads the app and exports a video. " * 40
    intent = route(script)
    assert (intent.kind, intent.why.rule, intent.text) == ("chat", "long", script.strip())
    assert route("/export " + script).kind == "export"


def test_every_word_fragment_opens_with_a_literal_character() -> None:
    # The scans group alternatives by their first character, taken (and escaped) as a literal:
    # a group, a class, an escape or an anchor there would be misread.
    for group, latin, other in _TABLE:
        for fragment in [f for raw in latin + other for f in _expand(raw)]:
            assert fragment and fragment[0] not in "([\\^$", (group, fragment)
