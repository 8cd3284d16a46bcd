"""Chat turns on a real server: ADK event shapes, credits, failures and the switchable quirks."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from servers import ChatTurn, LiveServer, live_server, ready_session

from vidskill.server.agent import Toolbox, TurnInput, TurnResult
from vidskill.translators import translate

CREATE = "create a 30-second product showcase video with background music and text overlays"


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def _has_null(node: Any) -> bool:
    if isinstance(node, dict):
        return any(v is None or _has_null(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_null(v) for v in node)
    return False


def _credits(srv: LiveServer, token: str = "alice") -> dict[str, int]:
    r = httpx.get(f"{srv.url}/api/credits/balance/simple", headers=srv.headers(token))
    return dict(r.json()["data"])


def _ledger_balances(srv: LiveServer, user_id: str) -> None:
    sums = dict(
        srv.query("SELECT kind, SUM(amount) FROM ledger WHERE user_id = ? GROUP BY kind", user_id)
    )
    available, frozen, spent, granted = srv.query(
        "SELECT available, frozen, spent, granted FROM credits WHERE user_id = ?", user_id
    )[0]
    assert granted == sums.get("grant", 0) == available + frozen + spent
    assert spent == sums.get("settle", 0)
    assert frozen == sums.get("freeze", 0) - sums.get("settle", 0) - sums.get("release", 0)


def test_turn_streams_adk_events(tmp_path: Path) -> None:
    with live_server(tmp_path / "data") as srv:
        session = ready_session(srv, tmp_path / "in")
        turn = srv.chat(session, CREATE)
        assert turn.status == 200 and len(turn.events) >= 3
        assert {e["author"] for e in turn.events} == {"nemo_agent"}
        assert len({e["invocationId"] for e in turn.events}) == 1
        assert not _has_null(turn.events)
        assert not {"invocation_id", "state_delta", "function_call"} & _keys(turn.events)
        calls = turn.events[:-1]
        for call, response in zip(calls[::2], calls[1::2], strict=True):
            asked = call["content"]["parts"][0]["functionCall"]
            answered = response["content"]["parts"][0]["functionResponse"]
            assert call["content"]["role"] == "model" and response["content"]["role"] == "user"
            assert (asked["id"], asked["name"]) == (answered["id"], answered["name"])
        last = turn.events[-1]
        assert last["content"]["role"] == "model" and last["content"]["parts"][0]["text"]
        assert set(last["actions"]) == {"stateDelta", "artifactDelta", "requestedAuthConfigs"}
        draft = srv.state(session)["draft"]
        assert draft["d"] == 30000 and draft["t"]
        assert srv.message_runs(session) == {CREATE: 1}


def test_every_turn_makes_a_new_draft_version(tmp_path: Path) -> None:
    with live_server(tmp_path / "data") as srv:
        session = ready_session(srv, tmp_path / "in")
        srv.chat(session, CREATE)
        srv.chat(session, "make it 15 seconds")
        srv.chat(session, "make it 20 seconds")
        srv.chat(session, "make it 20 seconds")  # already so: no new version
        versions = srv.query("SELECT version, draft FROM drafts WHERE session_id = ?", session)
        assert [v for v, _ in versions] == [1, 2, 3]
        assert srv.state(session)["draft"]["d"] == 20000
        runs = {CREATE: 1, "make it 15 seconds": 1, "make it 20 seconds": 2}
        assert srv.message_runs(session) == runs


def test_turn_credits_freeze_then_settle(tmp_path: Path) -> None:
    with live_server(tmp_path / "data") as srv:
        session = ready_session(srv, tmp_path / "in")
        assert _credits(srv) == {"available": 1000, "frozen": 0, "total": 1000}
        srv.chat(session, CREATE)
        assert _credits(srv) == {"available": 999, "frozen": 0, "total": 999}
        kinds = [
            k
            for (k,) in srv.query(
                "SELECT kind FROM ledger WHERE user_id = 'user_alice' ORDER BY id"
            )
        ]
        assert kinds == ["grant", "freeze", "settle"]
        _ledger_balances(srv, "user_alice")


def _broken_agent(turn: TurnInput, toolbox: Toolbox) -> TurnResult:
    raise RuntimeError("the planner tripped")


def test_failed_turn_releases_credits_and_ends_with_an_error(tmp_path: Path) -> None:
    with live_server(tmp_path / "data", run_turn=_broken_agent) as srv:
        session = srv.new_session("alice")
        turn = srv.chat(session, CREATE)
        assert turn.status == 200
        assert set(turn.events[-1]) == {"error"} and turn.events[-1]["error"]
        assert "tripped" not in turn.events[-1]["error"]  # internals stay in the log
        assert _credits(srv) == {"available": 1000, "frozen": 0, "total": 1000}
        assert srv.query("SELECT status FROM turns") == [("failed",)]
        assert srv.state(session)["draft"]["t"] == []
        _ledger_balances(srv, "user_alice")


def test_no_credits_is_2001_before_the_stream(tmp_path: Path) -> None:
    with live_server(tmp_path / "data", anon_credits=1) as srv:
        token = srv.anonymous_token("poor-client")
        session = ready_session(srv, tmp_path / "in", token=token)
        assert srv.chat(session, CREATE, token=token).status == 200
        refused = srv.chat(session, "make it 15 seconds", token=token)
        assert refused.status == 403 and refused.error_body is not None
        assert refused.error_body["code"] == 2001
        user_id = refused.error_body["data"]["user_id"]
        assert user_id.startswith("anon_") and refused.error_body["data"]["available"] == 0
        assert srv.message_runs(session) == {CREATE: 1}
        _ledger_balances(srv, user_id)


def _wait_for_draft(srv: LiveServer, session: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        draft = srv.state(session)["draft"]
        if draft["t"]:
            return dict(draft)
        time.sleep(0.1)
    raise AssertionError("the turn never committed")


@pytest.mark.parametrize("events", [0, 2])
def test_drop_after_n_events_cuts_the_stream_but_not_the_turn(tmp_path: Path, events: int) -> None:
    with live_server(tmp_path / "data", drop_after=events) as srv:
        session = ready_session(srv, tmp_path / "in")
        turn = ChatTurn()
        with pytest.raises(httpx.RemoteProtocolError):
            body = {"session_id": session, "new_message": {"parts": [{"text": CREATE}]}}
            with httpx.stream(
                "POST", f"{srv.url}/run_sse", json=body, headers=srv.headers("alice")
            ) as r:
                for line in r.iter_lines():
                    turn.add(line)
        assert len(turn.events) == events
        assert _wait_for_draft(srv, session)["d"] == 30000
        assert srv.message_runs(session) == {CREATE: 1}
        assert _credits(srv)["available"] == 999


def test_heartbeats_while_a_slow_tool_runs(tmp_path: Path) -> None:
    with live_server(tmp_path / "data", slow_tools_s=0.4, heartbeat_s=0.05) as srv:
        session = ready_session(srv, tmp_path / "in")
        srv.chat(session, CREATE)
        turn = srv.chat(session, "make it 15 seconds")
        assert turn.heartbeats >= 1
        data = [line for line in turn.lines if line.startswith("data: ")]
        first_call = next(i for i, line in enumerate(data) if "functionCall" in line)
        first_answer = next(i for i, line in enumerate(data) if "functionResponse" in line)
        between = data[first_call + 1 : first_answer]
        assert between and set(between) == {'data: {"type": "heartbeat"}'}


def test_silent_edits_end_without_text_but_replies_to_questions(tmp_path: Path) -> None:
    with live_server(tmp_path / "data", silent_share=1.0) as srv:
        session = ready_session(srv, tmp_path / "in")
        edit = srv.chat(session, CREATE)
        assert edit.texts == [] and edit.events  # tool events still arrive
        assert srv.state(session)["draft"]["d"] == 30000
        puzzled = srv.chat(session, "blah blah")
        assert len(puzzled.texts) == 1


def _silence_pattern(folder: Path, seed: int) -> list[bool]:
    with live_server(folder / "data", silent_share=0.5, seed=seed) as srv:
        session = ready_session(srv, folder / "in")
        pattern = [srv.chat(session, CREATE).texts == []]
        for seconds in (10, 11, 12, 13, 14, 15, 16, 17, 18):
            pattern.append(srv.chat(session, f"make it {seconds} seconds").texts == [])
        return pattern


def test_silent_share_is_seeded(tmp_path: Path) -> None:
    first = _silence_pattern(tmp_path / "one", seed=11)
    again = _silence_pattern(tmp_path / "two", seed=11)
    assert first == again
    assert True in first and False in first


def test_gui_speak_adds_a_gui_instruction(tmp_path: Path) -> None:
    with live_server(tmp_path / "plain") as srv:
        session = ready_session(srv, tmp_path / "in")
        (plain,) = srv.chat(session, CREATE).texts
    with live_server(tmp_path / "gui", gui_speak=1.0) as srv:
        session = ready_session(srv, tmp_path / "in")
        (gui,) = srv.chat(session, CREATE).texts
    assert gui.startswith(plain) and gui != plain
    assert translate(plain).actions == ()
    assert translate(gui).actions
