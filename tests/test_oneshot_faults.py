"""The one-shot commands against a real backend when things go wrong, and `--local`.

Dropped streams are recovered without running the message twice, an expired token is renewed
without the user noticing, Ctrl-C exits 130 without resending, and every failure is one JSON
object with the documented exit code. No token ever reaches stdout or stderr.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from media_samples import make
from oneshot_support import Cli, Ran
from servers import FakeClock, live_server

SKILL = ("--skill", "ai-product-video")
CREATE = "create a 5-second product showcase video with background music and text overlays"


def _photos(folder: Path) -> list[str]:
    return [str(make("png", folder / f"shot{n}.png")) for n in (1, 2)]


def test_a_dropped_stream_is_recovered_without_running_the_message_twice(tmp_path: Path) -> None:
    with live_server(tmp_path / "backend", drop_after=1) as srv:
        cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=srv.url)
        ran = cli.run("upload", *_photos(tmp_path / "media"), "--text", CREATE, *SKILL, "--json")
        found = ran.json
        assert ran.code == 0 and found["ok"], found
        assert any("connection dropped" in n for n in found["notices"])
        assert any(n.startswith("The agent's work arrived") for n in found["notices"])
        assert found["timeline"] and "Video" in found["timeline"]
        assert srv.message_runs(found["session_id"]) == {CREATE: 1}


def test_an_expired_token_is_renewed_transparently(tmp_path: Path) -> None:
    clock = FakeClock()
    with live_server(tmp_path / "backend", clock=clock) as srv:
        cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=srv.url)
        first = cli.run("upload", *_photos(tmp_path / "media"), "--text", CREATE, *SKILL, "--json")
        assert first.code == 0, first.stderr
        before = cli.cached_tokens()
        clock.advance(8 * 24 * 3600)  # past the anonymous token's 7 days
        ran = cli.run("say", "set the music to 30%", *SKILL, "--json")
        found = ran.json
        assert ran.code == 0 and found["ok"] and found["error"] is None, found
        assert found["session_id"] == first.json["session_id"]
        assert "30%" in found["timeline"]
        assert cli.cached_tokens() and cli.cached_tokens() != before
        runs = srv.message_runs(found["session_id"])
        assert runs == {CREATE: 1, "set the music to 30%": 1}


def test_ctrl_c_mid_turn_exits_130_and_resends_nothing(tmp_path: Path) -> None:
    with live_server(tmp_path / "backend", slow_tools_s=20.0) as srv:
        cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=srv.url)
        assert cli.run("upload", *_photos(tmp_path / "media"), *SKILL).code == 0
        command = [sys.executable, "-m", "vidskill", "say", CREATE, *SKILL, "--json"]
        proc = subprocess.Popen(
            command,
            env=cli.env(),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not srv.query("SELECT 1 FROM turns WHERE status = 'running'"):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        found = json.loads(out)
        assert found["ok"] is False and found["error"]["kind"] == "interrupted"
        (session,) = srv.query("SELECT session_id FROM sessions")
        time.sleep(0.5)
        assert srv.message_runs(session[0]) == {CREATE: 1}
        cli.runs.append(Ran(command, proc.returncode, out, err))
        cli.assert_no_secrets()


def test_no_credits_for_an_anonymous_user_gives_the_registration_link(tmp_path: Path) -> None:
    with live_server(tmp_path / "backend", anon_credits=0) as srv:
        cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=srv.url)
        ran = cli.run("say", "make a 5-second video", *SKILL, "--json", "--lang", "zh")
        error = ran.json["error"]
        assert ran.code == 3 and error["kind"] == "no_credits" and error["code"] == 2001
        assert "积分已用完" in error["message"] and "/register?bind=anon_" in error["message"]


def test_local_mode_keeps_its_project_between_commands(tmp_path: Path) -> None:
    data = tmp_path / "local-data"
    cli = Cli(home=tmp_path / "home", cwd=tmp_path, extra_env={"VIDSKILL_DATA_DIR": str(data)})
    said = cli.run("say", "hi, what can you do?", "--local", *SKILL, "--json")
    assert said.code == 0 and said.json["ok"] and said.json["text"], said.stderr
    state = cli.run("state", "--local", *SKILL, "--json")
    assert state.code == 0 and state.json["session_id"] == said.json["session_id"]
    assert (data / "vidskill.sqlite3").exists()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(("lang", "words"), [("en", "Cannot reach"), ("zh", "无法连接")])
def test_an_unreachable_backend_is_one_line_naming_its_url(
    tmp_path: Path, lang: str, words: str
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    cli = Cli(home=tmp_path / "home", cwd=tmp_path)
    ran = cli.run("credits", "--api", url, "--json", "--lang", lang)
    error = ran.json["error"]
    assert ran.code == 4 and error["kind"] == "network"
    assert words in error["message"] and url in error["message"]
    assert ran.stderr.strip().count("\n") == 0 and url in ran.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    cli = Cli(home=tmp_path / "home", cwd=tmp_path)
    both = cli.run("state", "--local", "--api", "http://127.0.0.1:9", "--json")
    assert both.code == 2
    bad = cli.run("state", "--api", "ftp://example.com", "--json")
    assert bad.code == 2 and bad.json["error"]["kind"] == "usage"
    missing = cli.run("upload", str(tmp_path / "nope.png"), "--api", "http://127.0.0.1:9", "--json")
    assert missing.code == 2 and "not found" in missing.json["error"]["message"]


def test_nothing_to_export_and_progress_lines(tmp_path: Path) -> None:
    with live_server(tmp_path / "backend") as srv:
        cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=srv.url)
        empty = cli.run("export", *SKILL, "--json")
        assert empty.code == 1 and empty.json["error"]["kind"] == "export_empty"
        upload = cli.run("upload", *_photos(tmp_path / "media"), *SKILL, "--progress", "json")
        assert upload.code == 0 and upload.stdout.startswith("Uploaded 2 file(s)")
        lines = [json.loads(line) for line in upload.stderr.splitlines()]
        assert lines and lines[-1]["type"] == "progress" and lines[-1]["done"] == lines[-1]["total"]


def test_a_silent_edit_reports_what_changed(tmp_path: Path) -> None:
    with live_server(tmp_path / "backend", silent_share=1.0) as srv:
        cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=srv.url)
        made = cli.run("upload", *_photos(tmp_path / "media"), "--text", CREATE, *SKILL, "--json")
        assert made.code == 0, made.stderr
        ran = cli.run("say", "set the music to 30%", *SKILL, "--json")
        found = ran.json
        assert ran.code == 0 and found["text"] == ""
        assert found["notices"][0].startswith("Done. What changed:")
        assert "35% → 30%" in found["notices"][0]


def test_gui_speak_from_the_backend_is_carried_out_not_shown(tmp_path: Path) -> None:
    with live_server(tmp_path / "backend", gui_speak=1.0, seed=3) as srv:
        cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=srv.url)
        lines = ["set the music to 30%", "make it 4 seconds", "change the title to 'Sale'"]
        made = cli.run("upload", *_photos(tmp_path / "media"), "--text", CREATE, *SKILL, "--json")
        assert made.code == 0, made.stderr
        results = [cli.run("say", line, *SKILL, "--json").json for line in lines]
        for found in [made.json, *results]:
            assert found["ok"], found
            assert "click" not in found["text"].lower() and "drag" not in found["text"].lower()
        assert any(found["files"] for found in [made.json, *results])  # "click Export" ran
        runs = srv.message_runs(made.json["session_id"])
        assert all(runs[line] == 1 for line in [CREATE, *lines])
        assert len(runs) <= 2 * (1 + len(lines))  # at most one follow-up per line
