"""`vidskill doctor`: the bundled skills pass, each seeded defect is reported with a fix."""

from __future__ import annotations

import json
import shutil
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import DATA
from servers import live_server

from vidskill import cli
from vidskill import skill as skills
from vidskill.client import Secret, Token, TokenStore
from vidskill.client.network import public_url
from vidskill.commands import doctor as doctor_command

BROKEN = DATA / "broken_skills"
DEFECTS: list[dict[str, Any]] = json.loads((DATA / "doctor_defects.json").read_text("utf-8"))
ALL_SKILLS = ["vidskill", *skills.bundled()]


def run_doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    """Run `vidskill doctor ARGS --json` in this process; its exit code and JSON object."""
    code = cli.main(["doctor", *args, "--json"])
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 1, out
    return code, json.loads(out)


def problems(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((f["level"], f["check"]) for f in findings if f["level"] != "ok")


@pytest.mark.parametrize("name", ALL_SKILLS)
def test_bundled_skill_has_no_failure(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_doctor(capsys, "--skill", name, "--offline")
    assert (code, report["ok"], problems(report["findings"])) == (0, True, [])
    checks = {f["check"] for f in report["findings"]}
    assert {"frontmatter", "name", "openclaw", "headers", "token"} <= checks
    assert "backend" not in checks  # --offline


def test_every_seeded_defect_has_a_folder_and_a_row() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(d["folder"] for d in DEFECTS)
    assert len(DEFECTS) >= 8


@pytest.mark.parametrize("case", DEFECTS, ids=[d["folder"] for d in DEFECTS])
def test_seeded_defect_is_reported(
    case: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run_doctor(capsys, "--skill", str(BROKEN / case["folder"]), "--offline")
    wanted = sorted((level, check) for level, check in case["problems"])
    assert problems(report["findings"]) == wanted
    bad = [f for f in report["findings"] if f["level"] != "ok"]
    assert any(case["says"] in f["message"] for f in bad), bad
    assert all(f["fix"] for f in bad)
    failed = any(level == "fail" for level, _ in wanted)
    assert (code, report["ok"]) == ((1, False) if failed else (0, True))


def test_readable_report_shows_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["doctor", "--skill", str(BROKEN / "http-homepage"), "--offline"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    at = next(i for i, line in enumerate(lines) if line.split()[:2] == ["FAIL", "homepage"])
    assert lines[at + 1].split() == ["fix:", "use", "an", "https://", "address"]
    assert lines[-1] == "11 ok, 0 warnings, 1 failure"


def test_unreadable_file_is_a_frontmatter_failure(tmp_path: Path) -> None:
    folder = tmp_path / "latin1"
    folder.mkdir()
    (folder / "SKILL.md").write_bytes(b"---\nname: caf\xe9\n---\n")
    findings = doctor_command.examine(folder / "SKILL.md", {}, shutil.which, None)
    assert [(f.level, f.check) for f in findings] == [("fail", "frontmatter")]
    assert "not UTF-8" in findings[0].message


def test_backend_answering_is_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with live_server(tmp_path / "data") as srv:
        monkeypatch.setenv("NEMO_API_URL", srv.url)
        code, report = run_doctor(capsys, "--skill", "ai-product-video")
    backend = next(f for f in report["findings"] if f["check"] == "backend")
    assert (code, backend["level"], backend["message"]) == (0, "ok", f"{srv.url} answers")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_local_backend_down_is_a_failure() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with httpx.Client(trust_env=False) as client:
        finding = doctor_command.probe_backend(url, client)
    assert (finding.level, finding.check) == ("fail", "backend")
    assert "vidskill serve" in finding.fix


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("no route to host", request=request)


@pytest.mark.parametrize(
    ("handler", "level", "says"),
    [
        (refuse, "warn", "cannot be reached (ConnectError)"),
        (lambda request: httpx.Response(404), "warn", "answered HTTP 404"),
        (lambda request: httpx.Response(200, json={"code": 0}), "ok", "answers"),
    ],
    ids=["unreachable", "not-found", "healthy"],
)
def test_hosted_backend_probe(handler: Any, level: str, says: str) -> None:
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        finding = doctor_command.probe_backend(skills.HOSTED_API, client)
    assert finding.level == level and says in finding.message


def test_token_from_environment_is_never_shown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "tok-doctor-secret-0123456789"
    monkeypatch.setenv("NEMO_TOKEN", secret)
    code = cli.main(["doctor", "--skill", "vidskill", "--offline"])
    out = capsys.readouterr()
    assert code == 0 and "NEMO_TOKEN is set" in out.out
    assert secret not in out.out + out.err


def test_token_cached_and_none(private_home: Path) -> None:
    env = {"HOME": str(private_home), "XDG_CONFIG_HOME": str(private_home / ".config")}
    assert "no token yet" in doctor_command.token_state(skills.HOSTED_API, env).message
    later = datetime.now(UTC) + timedelta(days=1)
    store = TokenStore(public_url(skills.HOSTED_API), env=env)
    store.save(Token(Secret("tok-cached-0123456789"), user_id="anon_1", expires_at=later))
    finding = doctor_command.token_state(skills.HOSTED_API, env)
    assert finding.message == "a cached anonymous token is still valid"
    assert "tok-cached" not in json.dumps(finding.to_json())
