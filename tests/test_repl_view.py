"""How the chat shows outputs and its toolbar (tables in tests/data), and the one sink."""

from __future__ import annotations

import io
from typing import Any, get_args

import pytest
import yaml
from conftest import DATA
from prompt_toolkit.data_structures import Size
from prompt_toolkit.output.plain_text import PlainTextOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from vidskill import skill
from vidskill.engine import outputs
from vidskill.errors import NetworkError
from vidskill.repl import view
from vidskill.repl.toolbar import Info, toolbar

VIEW_CASES: list[dict[str, Any]] = yaml.safe_load(
    (DATA / "repl_view_cases.yaml").read_text("utf-8")
)
TOOLBAR_CASES: list[dict[str, Any]] = yaml.safe_load(
    (DATA / "repl_toolbar_cases.yaml").read_text("utf-8")
)
OUTPUT_TYPES = set(get_args(outputs.Output))


def build(case: dict[str, Any]) -> outputs.Output:
    """The output a case describes."""
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in case["fields"].items()}
    made: outputs.Output = getattr(outputs, case["type"])(**fields)
    return made


@pytest.mark.parametrize(
    "case", VIEW_CASES, ids=[f"{c['type']}-{c['lang']}-{i}" for i, c in enumerate(VIEW_CASES)]
)
def test_output_is_shown_as(case: dict[str, Any]) -> None:
    assert view.plain(view.show(build(case), case["lang"])) == case["shown"]


def test_every_output_type_is_in_the_table_in_english_and_chinese() -> None:
    covered = {(c["type"], c["lang"]) for c in VIEW_CASES}
    for kind in OUTPUT_TYPES:
        assert {(kind.__name__, "en"), (kind.__name__, "zh-CN")} <= covered, kind


def test_every_output_type_has_a_style_of_its_own() -> None:
    for kind in OUTPUT_TYPES:
        case = next(c for c in VIEW_CASES if c["type"] == kind.__name__ and c["shown"])
        styles = {fragment[0] for fragment in view.show(build(case), "en")}
        assert styles and all(s.startswith("class:") for s in styles), kind


def test_an_output_the_chat_does_not_know_is_named_not_dropped() -> None:
    class Sparkle(outputs.Notice):
        pass

    shown = view.plain(view.show(Sparkle("?"), "en"))
    assert shown == "· Sparkle\n"


@pytest.mark.parametrize("case", TOOLBAR_CASES, ids=lambda c: f"{c['info']['lang']}")
def test_toolbar_shows(case: dict[str, Any]) -> None:
    assert view.plain(toolbar(Info(**case["info"]))) == case["shown"]


def test_greeting_in_english_and_chinese() -> None:
    found = skill.resolve("picture-to-video-ai")
    english = view.plain(view.greeting(found.texts("en"), "en"))
    chinese = view.plain(view.greeting(found.texts("zh-CN"), "zh-CN"))
    assert english.startswith(found.texts("en").greeting + "\nTry saying:\n  “")
    assert chinese.startswith(found.texts("zh-CN").greeting + "\n可以这样说：\n  “")
    assert english.count("\n  “") == len(found.texts("en").examples)


def test_a_skill_without_examples_greets_without_the_heading() -> None:
    texts = skill.Texts("Hello.", (), ())
    assert view.plain(view.greeting(texts, "en")) == "Hello.\n"


@pytest.mark.parametrize(
    ("exc", "lang", "shown"),
    [
        (NetworkError("Cannot reach the backend at https://x.example."), "en",
         "✖ Cannot reach the backend at https://x.example.\n"),
        (RuntimeError("bad state"), "en", "✖ Something went wrong: RuntimeError: bad state\n"),
        (RuntimeError(), "zh-CN", "✖ 出了点问题：RuntimeError\n"),
    ],
)  # fmt: skip
def test_failures_are_one_line(exc: BaseException, lang: str, shown: str) -> None:
    assert view.plain(view.failure(exc, lang)) == shown


def test_echo_marks_a_line_that_was_piped_in() -> None:
    assert view.plain(view.echo("导出\n")) == "› 导出\n"


async def test_sink_writes_plain_text_where_there_is_no_terminal() -> None:
    buffer = io.StringIO()
    await view.Sink(PlainTextOutput(buffer)).write(view.show(outputs.Said("hi"), "en"))
    assert buffer.getvalue() == "hi\r\n"


async def test_sink_writes_styles_to_a_terminal() -> None:
    buffer = io.StringIO()
    terminal = Vt100_Output(buffer, lambda: Size(rows=24, columns=80))
    await view.Sink(terminal).write(view.show(outputs.ErrorShown("no", "usage", 2), "en"))
    assert "\x1b[" in buffer.getvalue() and "✖ no" in buffer.getvalue()


async def test_sink_writes_nothing_for_nothing() -> None:
    buffer = io.StringIO()
    await view.Sink(PlainTextOutput(buffer)).write(view.show(outputs.Said(""), "en"))
    assert buffer.getvalue() == ""
