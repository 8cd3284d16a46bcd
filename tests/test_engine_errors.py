"""Every backend error becomes one clear message, in English and Chinese (tests/data table)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from client_fake import BASE, Reply
from conftest import DATA
from engine_support import (
    CREDITS,
    DRAFT,
    RUN,
    SUBMIT,
    LiveFake,
    drive,
    make_engine,
    of_type,
    photo,
    upload_key,
)

from vidskill import errors, messages
from vidskill.engine import Engine, ErrorShown, Output, SessionMemory, explain
from vidskill.skill import resolve

CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "engine_errors.yaml").read_text("utf-8"))
ENDPOINTS = {"chat": RUN, "upload": upload_key("sess_1"), "export": SUBMIT, "credits": CREDITS}
FAILURES = {
    "connect": httpx.ConnectError("connection refused"),
    "timeout": httpx.ReadTimeout("timed out"),
}


async def _act(engine: Engine, action: str, tmp_path: Path) -> list[Output]:
    if action == "chat":
        return await drive(engine.handle("make a 10-second video from my photos"))
    if action == "upload":
        return await drive(engine.upload([str(photo(tmp_path))]))
    if action == "export":
        SessionMemory.default().remember(engine.skill.name, BASE, "sess_1", None)
        engine.restore()
        return await drive(engine.export())
    return await drive(engine.read("credits"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
async def test_error_message(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in case.get("env", {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    backend = LiveFake()
    backend.draft = DRAFT
    key = ENDPOINTS[case["action"]]
    if "raise" in case:
        backend.script(key, Reply(raise_=FAILURES[case["raise"]]))
    else:
        reply = case["reply"]
        for _ in range(case.get("replies", 1)):
            backend.script(key, Reply(reply["status"], reply["body"], reply.get("headers", {})))
    engine, http = make_engine(backend, lang=case["lang"])
    async with http:
        outputs = await _act(engine, case["action"], tmp_path)
    shown = of_type(outputs, ErrorShown)
    assert len(shown) == 1, outputs
    error, expect = shown[0], case["expect"]
    assert (error.kind, error.exit_code) == (expect["kind"], expect["exit"])
    assert error.code == expect.get("code", error.code)
    for text in expect.get("has", []):
        assert text in error.message
    for text in expect.get("lacks", []):
        assert text not in error.message
    assert not backend.violations


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_error_class_has_a_message_in_each_language(lang: str) -> None:
    skill = resolve("ai-product-video")
    samples: list[BaseException] = [
        errors.TokenError("x"),
        errors.SessionNotFoundError("x"),
        errors.NoCreditsError("x"),
        errors.UnsupportedFileError("x"),
        errors.FileTooLargeError("x"),
        errors.ClientIdError("bad client id"),
        errors.PlanError("x"),
        errors.RateLimitError("x"),
        errors.RenderFailedError("the encoder crashed"),
        errors.BackendError("odd"),
        errors.StreamTimeoutError("x", url="http://b"),
        errors.StreamDroppedError("x", url="http://b"),
        errors.NetworkError("x", url="http://b"),
        errors.UsageError("bad option"),
        errors.SkillError("bad skill"),
        errors.DraftError("bad draft"),
        errors.InterruptedError_(),
        KeyboardInterrupt(),
    ]
    for exc in samples:
        shown = explain(exc, skill=skill, lang=lang, url="http://b")
        assert shown.message.strip(), exc
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in shown.message)
        free_text = isinstance(exc, errors.UsageError | errors.ClientIdError)
        assert chinese == (lang == "zh-CN") or free_text, (exc, shown.message)


def test_interrupted_exits_130_and_network_exits_4() -> None:
    assert explain(KeyboardInterrupt(), skill=None, lang="en").exit_code == 130
    shown = explain(errors.NetworkError("x", url="http://b"), skill=None, lang="en", url="http://b")
    assert shown.exit_code == 4 and "http://b" in shown.message


def test_local_refusals_are_in_both_catalogs() -> None:
    for key in ("refuse_export_empty", "refuse_render_pending", "refuse_no_pending"):
        assert messages.text(key, "en") != messages.text(key, "zh-CN")
