"""The golden transcripts replay clean against a real local backend; a changed agent or route
shows as a diff that names the turn and the layer.

Regenerate the recordings with `VIDSKILL_UPDATE_GOLDEN=1 pytest tests/test_transcripts_golden.py`
(see tests/data/transcripts/golden.yaml).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import LiveServer, live_server
from transcripts_support import (
    CASE_IDS,
    CASES,
    GOLDEN,
    UPDATE,
    golden_path,
    media_files,
    no_tokens_in_journals,
    run_cli,
    workflow,
)

from vidskill.cli import main
from vidskill.server import agent
from vidskill.transcripts import read, to_jsonl

__all__ = ["no_tokens_in_journals"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("backend")) as srv:
        yield srv


def _record(spec: dict[str, Any], lang: str, url: str, tmp_path: Path, capsys: Any) -> None:
    lines, media = workflow(spec, lang)
    files = media_files(media)
    script = tmp_path / "script.md"
    said = [" ".join(str(f) for f in files), *lines]
    script.write_text("".join(f"User: {line}\n" for line in said), encoding="utf-8")
    code, found = run_cli(capsys, "replay", str(script), "--api", url, "--skill", spec["skill"])
    assert code == 0 and found["turns"] == len(said), found
    recorded = to_jsonl(read(found["journal"]), base=GOLDEN)
    golden_path(spec["skill"], lang).write_text(recorded, encoding="utf-8")


@pytest.mark.parametrize(("spec", "lang"), CASES, ids=CASE_IDS)
def test_golden_transcript_replays_clean(
    server: LiveServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    spec: dict[str, Any],
    lang: str,
) -> None:
    if UPDATE:
        _record(spec, lang, server.url, tmp_path, capsys)
    path = golden_path(spec["skill"], lang)
    golden = read(path)
    assert golden.skill == spec["skill"] and len(golden.turns) == 4
    assert golden.turns[0].route and golden.turns[0].route["intent"] == "upload"
    assert golden.turns[1].event and golden.turns[1].event["shown"]
    assert golden.turns[3].event and golden.turns[3].event["timeline"]
    assert all(not Path(a).is_absolute() for t in golden.turns for a in t.attachments)

    code, found = run_cli(capsys, "replay", str(path), "--api", server.url, "--check")

    assert found["differences"] == [] and code == 0 and found["ok"]
    replayed = read(found["journal"])
    assert [t.utterance for t in replayed.turns][1:] == [t.utterance for t in golden.turns][1:]
    sessions = {t.event["session_id"] for t in replayed.turns if t.event}
    assert len(sessions) == 1 and sessions != {golden.header.get("session_id")}


def _louder_reply(turn: agent.TurnInput, toolbox: agent.Toolbox) -> agent.TurnResult:
    """The real agent, except that it words its reply to the volume edit differently."""
    result = agent.run_turn(turn, toolbox)
    if "30%" in turn.message:
        return dataclasses.replace(result, reply=result.reply + " Enjoy!")
    return result


def test_a_changed_agent_breaks_the_turn_it_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = golden_path("ai-product-video", "en")
    with live_server(tmp_path / "data", run_turn=_louder_reply) as srv:
        code, found = run_cli(capsys, "replay", str(path), "--api", srv.url, "--check")
    assert code == 1 and not found["ok"]
    assert [(d["turn"], d["layer"]) for d in found["differences"]] == [(3, "shown")]
    assert found["differences"][0]["replayed"].endswith("Enjoy!")

    with live_server(tmp_path / "data2", run_turn=_louder_reply) as srv:
        capsys.readouterr()
        assert main(["replay", str(path), "--api", srv.url, "--check"]) == 1
    shown = capsys.readouterr().out
    assert "turn 3 «set the music to 30%»: shown differs" in shown
    assert "+ replayed: Done: set the music volume to 30%. Enjoy!" in shown
    assert "1 difference(s)." in shown


def test_a_changed_route_breaks_the_turn_it_changed(
    server: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = to_jsonl(read(golden_path("ai-product-video", "en")), base=tmp_path).splitlines()
    events = [json.loads(line) for line in lines]
    events[4]["route"]["intent"] = "state"  # as if the router had once read "/timeline" so
    copy = tmp_path / "changed.jsonl"
    copy.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), "utf-8")

    code, found = run_cli(capsys, "replay", str(copy), "--api", server.url, "--check")

    assert code == 1
    assert [(d["turn"], d["layer"]) for d in found["differences"]] == [(4, "route")]
    assert "state" in found["differences"][0]["recorded"]
    assert "command /timeline" in found["differences"][0]["replayed"]
