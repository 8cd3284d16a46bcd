"""The journal: schema first, one fsynced line per turn, a file per backend session, no secrets."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from oneshot_support import Cli
from servers import TOKENS, LiveServer, live_server
from transcripts_support import MEDIA, leaks, no_tokens_in_journals

from vidskill import skill as skills
from vidskill.engine import Notice, Progress, Said, Status, TurnRecord
from vidskill.engine.recorder import BackendInfo, BindingRecorder
from vidskill.transcripts import Journal, journal_dir, read
from vidskill.transcripts.journal import journal_name

__all__ = ["no_tokens_in_journals"]
LOCAL = BackendInfo("local", "http://127.0.0.1:8765", "local:/data", local=True)


class Holder:
    """Stands in for the engine: it knows the skill in use."""

    skill = skills.resolve("ai-product-video")


def record(
    session: str | None = "sess_1", utterance: str = "add music", **extra: Any
) -> TurnRecord:
    values: dict[str, Any] = {
        "utterance": utterance,
        "attachments": (),
        "intent": {"intent": "chat", "files": [], "why": {"rule": "default", "keyword": ""}},
        "actions": (),
        "shown": "Done.",
        "original": "Done.",
        "timeline": "Timeline (1 track): 1. Video: shoe (0-5s)",
        "draft": {"d": 5000, "t": []},
        "credits_before": 100.0,
        "credits_after": 99.0,
        "files": (),
        "session_id": session,
        "lang": "en",
    }
    return TurnRecord(**{**values, **extra})


def lines(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def journal(tmp_path: Path, front: str = "say", **env: str) -> Journal:
    found = Journal(front, directory=tmp_path / "journals", env=env)
    found.bind(LOCAL, Holder())
    return found


def test_a_journal_starts_with_its_schema_then_one_line_per_turn(tmp_path: Path) -> None:
    found = journal(tmp_path)
    found.record(record())
    found.record(record(utterance="make it louder"))

    assert found.path == tmp_path / "journals" / journal_name("sess_1", LOCAL.key)
    head, *turns = lines(found.path)
    assert head["type"] == "journal" and head["schema"] == 1 and head["front"] == "say"
    assert head["skill"] == {"name": "ai-product-video", "version": Holder.skill.version}
    assert head["backend"] == {"kind": "local", "label": "local", "url": LOCAL.url}
    assert [(t["type"], t["n"], t["utterance"]) for t in turns] == [
        ("turn", 1, "add music"),
        ("turn", 2, "make it louder"),
    ]
    assert turns[0]["credits"] == {"before": 100.0, "after": 99.0}
    assert stat.S_IMODE(found.path.stat().st_mode) == 0o600
    assert isinstance(found, BindingRecorder)


def test_the_next_front_end_on_the_session_appends_to_the_same_journal(tmp_path: Path) -> None:
    first = journal(tmp_path)
    first.record(record())
    second = journal(tmp_path, front="state")
    second.record(record(utterance="/state"))

    assert second.path == first.path and first.path is not None
    kinds = [(line["type"], line.get("front"), line.get("n")) for line in lines(first.path)]
    assert kinds == [("journal", "say", None), ("turn", None, 1), ("open", "state", None),
                     ("turn", None, 2)]  # fmt: skip


def test_each_session_and_backend_has_its_own_journal(tmp_path: Path) -> None:
    found = journal(tmp_path)
    found.record(record(session=None, utterance="/credits"))
    loose = found.path
    found.record(record(session="sess_2"))
    other = Journal("say", directory=tmp_path / "journals", env={})
    other.bind(BackendInfo("x", "https://x.test", "https://x.test", local=False), Holder())
    other.record(record(session="sess_2"))

    assert loose is not None and loose.name.startswith("nosession-")
    assert found.path != loose and other.path not in (found.path, loose)
    assert lines(other.path)[0]["backend"]["kind"] == "remote"  # type: ignore[arg-type]
    assert [t.utterance for t in read(loose).turns] == ["/credits"]


def test_attachments_inside_the_journal_folder_are_stored_relative(tmp_path: Path) -> None:
    inside = tmp_path / "journals" / "media" / "shoe.png"
    outside = tmp_path / "elsewhere" / "side.png"
    typed = f"{inside} {outside} make a video"
    intent = {"intent": "upload", "files": [str(inside), str(outside)],
              "why": {"rule": "file", "keyword": str(inside)}}  # fmt: skip
    found = journal(tmp_path)
    found.record(record(utterance=typed, attachments=(str(inside), str(outside)), intent=intent))

    turn = found.written[0]
    assert turn["utterance"] == f"media/shoe.png {outside} make a video"
    assert turn["attachments"] == [{"path": "media/shoe.png", "name": "shoe.png"},
                                   {"path": str(outside), "name": "side.png"}]  # fmt: skip
    assert turn["route"]["files"] == ["media/shoe.png", str(outside)]
    assert turn["route"]["why"]["keyword"] == "media/shoe.png"


def test_shown_text_keeps_the_original_and_passing_outputs_are_left_out(tmp_path: Path) -> None:
    outputs = (Status("Running"), Progress("Uploading", 1, 2), Said("Exported.", "Click Export"),
               Notice("Saved."))  # fmt: skip
    found = journal(tmp_path)
    found.record(record(shown="Exported.", original="Click Export", outputs=outputs))

    turn = found.written[0]
    assert (turn["shown"], turn["original"]) == ("Exported.", "Click Export")
    assert [o["type"] for o in turn["outputs"]] == ["said", "notice"]


def test_secrets_never_reach_a_journal(tmp_path: Path) -> None:
    token = TOKENS["alice"]
    typed = f"my token is {token}; header Authorization: Bearer abc.def-123"
    found = journal(tmp_path, NEMO_TOKEN=token)
    found.record(record(utterance=typed, shown=f"echo {token}"))

    assert found.path is not None
    text = found.path.read_text(encoding="utf-8")
    assert token not in text and "abc.def-123" not in text and "Bearer ***" in text
    assert leaks([found.path], {token}) == []


def test_the_token_scan_finds_a_planted_token(tmp_path: Path) -> None:
    planted = tmp_path / "planted.jsonl"
    planted.write_text(json.dumps({"utterance": TOKENS["bob"]}) + "\n", encoding="utf-8")
    assert leaks([planted], set(TOKENS.values())) == [f"{planted}: {TOKENS['bob'][:6]}…"]
    planted.unlink()


def test_a_journal_that_cannot_be_written_stops_quietly(tmp_path: Path) -> None:
    blocked = tmp_path / "journals"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    found = Journal("say", directory=blocked, env={})
    found.record(record())
    found.record(record())
    assert found.error is not None and found.written == []


def test_journals_live_in_the_data_folder_unless_told_otherwise(tmp_path: Path) -> None:
    assert journal_dir({"HOME": str(tmp_path)}).parts[-2:] == ("vidskill", "journals")
    assert journal_dir({"VIDSKILL_JOURNAL_DIR": str(tmp_path / "j")}) == tmp_path / "j"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with live_server(tmp_path_factory.mktemp("backend")) as srv:
        yield srv


def test_one_shot_commands_append_to_their_session_journal(
    server: LiveServer, tmp_path: Path
) -> None:
    cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=server.url)
    skill = ("--skill", "ai-product-video", "--json")
    made = cli.run("upload", str(MEDIA / "shoe_front.jpg"), "--text", "create a 5-second video",
                   *skill).json  # fmt: skip
    shown = cli.run("state", *skill).json

    assert made["ok"] and shown["ok"] and made["journal"] == shown["journal"]
    path = Path(made["journal"])
    assert path.parent == tmp_path / "home" / ".local" / "share" / "vidskill" / "journals"
    found = read(path)
    assert [t.route["command"] if t.route else None for t in found.turns] == ["upload", "state"]
    assert found.header["front"] == "upload" and found.header["session_id"] == made["session_id"]
    assert found.turns[0].event and found.turns[0].event["timeline"] == made["timeline"]


def test_the_chat_writes_a_journal(server: LiveServer, tmp_path: Path) -> None:
    import subprocess
    import sys

    cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=server.url)
    done = subprocess.run(
        [sys.executable, "-m", "vidskill", "chat", "--skill", "picture-to-video-ai"],
        input="hi, what can you do?\n/credits\n",
        env=cli.env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "home" / ".local" / "share" / "vidskill" / "journals"
    (path,) = folder.glob("*.jsonl")
    found = read(path)
    assert found.header["front"] == "chat"
    assert [t.utterance for t in found.turns] == ["hi, what can you do?", "/credits"]
