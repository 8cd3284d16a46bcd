"""GUI-speak translation against its case table, the JSON shape, and `vidskill translate`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
import yaml
from conftest import DATA, ROOT

from vidskill.translators import Action, Translation, translate

CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "gui_speak_cases.yaml").read_text("utf-8"))

# A GUI verb addressed to the user, in either language; none may survive a translation.
GUI_VERB = re.compile(
    r"(?i)\b(?:click(?:ing)?|tap(?:ping)?|press(?:ing)?|drag(?:ging)?|drop(?:ping)?)\b"
    r"|\bopen\s+the\s+[^.!?]{0,30}?\b(?:panel|page|tab|window|menu|dialog)\b|点击|拖拽|拖动|打开"
)
HAN = re.compile(r"[\u4e00-\u9fff]")


def _label(action: Action) -> str:
    return f"{action.kind}: {action.detail}" if action.detail else action.kind


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["text"][:48] or "<empty>")
def test_gui_speak_case(case: dict[str, Any]) -> None:
    result = translate(case["text"])
    assert [_label(action) for action in result.actions] == case["actions"]
    if not case["actions"]:
        assert result.text == case["text"]
        return
    assert not GUI_VERB.search(result.text), result.text
    if "shown" in case:
        assert result.text == case["shown"]
    for word in case.get("keep", ()):
        assert word in result.text, f"{word!r} lost from {result.text!r}"
    for action in result.actions:
        assert action.source and action.source in case["text"]


def test_the_case_table_covers_both_languages_and_false_positives() -> None:
    acting = [case for case in CASES if case["actions"]]
    assert len(CASES) >= 60
    assert sum(1 for case in acting if HAN.search(case["text"])) >= 20
    assert sum(1 for case in acting if not HAN.search(case["text"])) >= 40
    assert sum(1 for case in CASES if not case["actions"]) >= 20
    kinds = {label.split(":")[0] for case in acting for label in case["actions"]}
    assert kinds == {"export", "show_state", "show_timeline", "send_edit", "show_credits",
                     "call_endpoint"}  # fmt: skip


def test_translation_to_json_keeps_order_kind_detail_and_source() -> None:
    result = translate("Drag the logo to the end of the timeline, then click Export.")
    shown = "I'll move the logo to the end of the timeline for you, then I'll export it for you."
    assert result.to_json() == {
        "text": shown,
        "actions": [
            {
                "kind": "send_edit",
                "detail": "move the logo to the end of the timeline",
                "source": "Drag the logo to the end of the timeline",
            },
            {"kind": "export", "detail": "", "source": "click Export"},
        ],
    }


def test_repeated_instructions_collapse_to_the_first() -> None:
    result = translate("Click Export. 点击导出按钮。Hit the Export button again.")
    assert [action.kind for action in result.actions] == ["export"]
    assert result.actions[0].source == "Click Export"
    assert not GUI_VERB.search(result.text)


def test_values_are_frozen_and_comparable() -> None:
    assert translate("Click Export") == translate("Click Export")
    with pytest.raises(AttributeError):
        translate("Click Export").text = "changed"  # type: ignore[misc]
    assert Translation("plain") == translate("plain")


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "vidskill", "translate", *args], input=stdin,
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=60,
        check=False,
    )  # fmt: skip


def test_cli_json_is_one_object_with_text_and_actions() -> None:
    done = _cli("请点击右上角的“导出”按钮，即可下载1080p视频。", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    data = json.loads(done.stdout)
    assert data["ok"] is True
    assert data["text"] == "我来为你导出，即可下载1080p视频。"
    assert data["actions"] == [
        {"kind": "export", "detail": "", "source": "请点击右上角的“导出”按钮"}
    ]


def test_cli_plain_output_lists_the_actions_under_the_text() -> None:
    done = _cli(
        "You", "can", "drag", "the", "logo", "to", "the", "end.", "Then", "click", "Export."
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "I'll move the logo to the end for you. Then I'll export it for you."
    assert lines[1:3] == ["", "actions:"]
    assert lines[3].startswith("  1. send_edit: move the logo to the end  (from ")
    assert lines[4].startswith("  2. export  (from ")


def test_cli_reads_stdin_and_leaves_plain_text_alone() -> None:
    done = _cli("-", stdin="I added a click track in the music.\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "I added a click track in the music.\n\n"


def test_cli_without_text_is_a_usage_error() -> None:
    done = _cli()
    assert done.returncode == 2
    assert "text" in done.stderr
