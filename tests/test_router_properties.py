"""Property tests: routing and language detection take any text and give well-formed answers."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vidskill import lang
from vidskill.router import SLASH_COMMANDS, Intent, route

KINDS = {"export", "credits", "state", "upload", "chat", "command"}
LANG_CODE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")

# Pieces that reach the router's harder paths: keywords, cues, quotes, paths, URLs, commands.
FRAGMENTS = [
    "export", "导出", "download", "下载", "credits", "积分", "status", "状态", "upload", "上传",
    "show tracks", "查看时间线", "don't ", "不要", "先别", "before ", "yet", "之前", "add ", "加",
    "'", '"', "“", "”", "「", "」", "《", "》", "\\ ", "\\", "/", "~/", "./", "C:\\", "file://",
    "https://x.io/a.mp4", "http://", ".mp4", ".png", "，", "。", ",", ".", "!", "?", " ", "\n",
    "\t", "\x00", "\x1b", "İ", "ǅ", "ß", "🎬", "the word ", "status bar", "end credits", "/upload ",
    "/export", "/lang ", "/", "、", "／", "render it", "send me the video",
    "what's on the timeline",
]  # fmt: skip
stitched = st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join)
texts = st.one_of(st.text(), stitched, st.text(alphabet=st.characters(categories=["Cc", "Zs"])))


def _check(text: str, intent: Intent) -> None:
    assert intent.kind in KINDS
    assert isinstance(intent.text, str)
    assert all(isinstance(item, str) and item for item in intent.files + intent.urls)
    why = intent.why
    if why.start >= 0:
        assert 0 <= why.start <= why.end <= len(text)
        assert text[why.start : why.end] == why.keyword
    else:
        assert why.start == why.end == -1 and why.keyword == ""
    slash = why.rule in ("slash", "unknown-command")
    assert (intent.command is not None) == slash
    if intent.command is not None and why.rule == "slash":
        assert intent.command in SLASH_COMMANDS
    if intent.files or intent.urls:
        assert intent.kind == "upload"
    assert LANG_CODE.fullmatch(intent.lang)
    json.loads(json.dumps(intent.to_json(), ensure_ascii=False))


@given(texts)
def test_route_takes_any_text(text: str) -> None:
    _check(text, route(text))


@given(texts)
def test_route_takes_any_text_when_every_path_exists(text: str) -> None:
    intent = route(text, exists=lambda path: True, home="/home/ann")
    _check(text, intent)
    assert all(any(c not in "/\\.~ " for c in path) for path in intent.files)


@given(texts)
def test_route_is_deterministic(text: str) -> None:
    assert route(text) == route(text)


@given(texts)
def test_detect_takes_any_text(text: str) -> None:
    assert LANG_CODE.fullmatch(lang.detect(text))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8), st.integers(1_000, 40_000))
def test_huge_inputs(pieces: list[str], repeat: int) -> None:
    text = "".join(pieces) * repeat
    _check(text, route(text, exists=lambda path: len(path) % 2 == 0, home="/h"))
    assert LANG_CODE.fullmatch(lang.detect(text))
