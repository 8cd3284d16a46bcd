"""`vidskill replay`: every input format, `--until` into the chat, `--update`, and a journal
whose writer was killed with SIGKILL, all against a real local backend."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from oneshot_support import Cli
from servers import LiveServer, live_server
from transcripts_support import GOLDEN, golden_path, no_tokens_in_journals, run_cli

from vidskill.cli import main
from vidskill.server import agent
from vidskill.server.turns import RunTurn
from vidskill.transcripts import read, to_jsonl, to_markdown
from vidskill.transcripts.journal import count_turns
from vidskill.transcripts.reader import parse

__all__ = ["no_tokens_in_journals"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("backend")) as srv:
        yield srv


def journals(home: Path) -> list[Path]:
    return sorted((home / ".local" / "share" / "vidskill" / "journals").glob("*.jsonl"))


def test_an_exported_markdown_chat_replays_clean(
    server: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    portable = to_jsonl(read(golden_path("ai-product-video", "en")), base=tmp_path)
    chat = tmp_path / "exported.md"  # its first line names the media by absolute paths
    chat.write_text(to_markdown(parse(portable, tmp_path / "golden.jsonl")), encoding="utf-8")
    code, found = run_cli(capsys, "replay", str(chat), "--api", server.url, "--check",
                          "--skill", "ai-product-video")  # fmt: skip
    assert (code, found["differences"], found["turns"]) == (0, [], 4)


def test_a_markdown_chat_is_checked_on_what_the_assistant_said(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    chat = str(GOLDEN / "formats" / "chat.md")
    code, found = run_cli(capsys, "replay", chat, "--api", server.url, "--check",
                          "--skill", "ai-product-video")  # fmt: skip
    assert code == 1 and found["turns"] == 4
    assert [(d["turn"], d["layer"]) for d in found["differences"]] == [
        (1, "shown"),
        (2, "shown"),
        (3, "shown"),
    ]
    assert found["differences"][1]["replayed"].startswith("Created a 5-second product showcase:")


def test_an_adk_replay_file_runs_its_queries(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    adk = str(GOLDEN / "formats" / "adk.json")
    capsys.readouterr()
    code = main(["replay", adk, "--api", server.url, "--skill", "ai-video-generator-ai", "--json"])
    shown = capsys.readouterr()
    found = json.loads(shown.out)
    assert code == 0 and found["turns"] == 3
    assert "the ADK state in" in shown.err
    turns = read(found["journal"]).turns
    assert [t.route["intent"] if t.route else None for t in turns] == ["upload", "chat", "state"]
    assert turns[2].event and "Voiceover" in str(turns[2].event["timeline"])


def test_update_rerecords_a_jsonl_transcript(
    server: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    portable = to_jsonl(read(golden_path("picture-to-video-ai", "en")), base=tmp_path)
    events = [json.loads(line) for line in portable.splitlines()]
    events[2]["shown"] = "An old reply."
    copy = tmp_path / "old.jsonl"
    copy.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), "utf-8")
    assert run_cli(capsys, "replay", str(copy), "--api", server.url, "--check")[0] == 1

    code, found = run_cli(capsys, "replay", str(copy), "--api", server.url, "--update")

    assert code == 0 and found["updated"]
    assert read(copy).turns[1].event["shown"] != "An old reply."  # type: ignore[index]
    assert run_cli(capsys, "replay", str(copy), "--api", server.url, "--check")[0] == 0
    md = str(GOLDEN / "formats" / "chat.md")
    assert run_cli(capsys, "replay", md, "--api", server.url, "--update")[0] == 2


def test_until_stops_after_that_turn_and_opens_the_chat_on_the_session(
    server: LiveServer, tmp_path: Path
) -> None:
    cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=server.url)
    done = subprocess.run(
        [sys.executable, "-m", "vidskill", "replay", str(golden_path("ai-product-video", "zh-CN")),
         "--until", "2"],
        input="音乐音量调到50%\n",
        env=cli.env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (path,) = journals(tmp_path / "home")
    turns = read(path).turns
    assert [t.utterance for t in turns][1:] == ["把这些照片做成5秒的产品展示视频，加背景音乐和字幕",
                                                "音乐音量调到50%"]  # fmt: skip
    assert len({t.event["session_id"] for t in turns if t.event}) == 1
    assert "50%" in str(turns[2].event and turns[2].event["timeline"])


def _held(release: threading.Event) -> RunTurn:
    def run_turn(turn: agent.TurnInput, toolbox: agent.Toolbox) -> agent.TurnResult:
        if "30%" in turn.message:
            release.wait(120)  # the replay is killed while this turn runs
        return agent.run_turn(turn, toolbox)

    return run_turn


def test_a_journal_of_a_killed_replay_reads_and_replays_up_to_its_last_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = threading.Event()
    cli = Cli(home=tmp_path / "home", cwd=tmp_path)
    with live_server(tmp_path / "data", run_turn=_held(release)) as srv:
        golden = str(golden_path("ai-product-video", "en"))
        command = [sys.executable, "-m", "vidskill", "replay", golden, "--api", srv.url]
        child = subprocess.Popen(command, env=cli.env(), cwd=tmp_path,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            path = _wait_for_turns(tmp_path / "home", 2, child)
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(30) == -signal.SIGKILL
        finally:
            release.set()
            if child.poll() is None:
                child.kill()
                child.wait(30)
        with path.open("a", encoding="utf-8") as torn:
            torn.write('{"type": "turn", "n": 3, "utterance": "set the mu')  # a line cut short

        killed = read(path)
        assert killed.torn and [t.number for t in killed.turns] == [1, 2]
        code, found = run_cli(capsys, "replay", str(path), "--api", srv.url, "--check")
    assert (code, found["differences"], found["turns"]) == (0, [], 2)


def _wait_for_turns(home: Path, turns: int, child: subprocess.Popen[bytes]) -> Path:
    """The journal once it holds `turns` complete turns (the child must still be running)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = [p for p in journals(home) if count_turns(p) >= turns]
        if found:
            return found[0]
        assert child.poll() is None, "the replay ended before it was killed"
        time.sleep(0.1)
    raise AssertionError(f"no journal with {turns} turns appeared")
