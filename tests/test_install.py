"""`vidskill install`: skill folders where each host looks, idempotent, removable, runnable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT

from vidskill import cli, install
from vidskill import skill as skills
from vidskill.commands import doctor as doctor_command

TARGETS: list[dict[str, str]] = json.loads((DATA / "install_targets.json").read_text("utf-8"))
ALL_SKILLS = ["vidskill", *skills.bundled()]
OWN_FILES = ["SKILL.md", install.LAUNCHER, install.MANIFEST]


def run_install(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    """Run `vidskill install ARGS --json` in this process; its exit code and JSON object."""
    code = cli.main(["install", *args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def expected_folder(row: dict[str, str], name: str, home: Path, project: Path) -> Path:
    text = row["folder"].replace("HOME", str(home)).replace("PROJECT", str(project))
    return Path(text.replace("NAME", name))


def scope_args(row: dict[str, str], project: Path) -> list[str]:
    return ["--target", row["target"], *(["--project", str(project)] * (row["scope"] == "project"))]


def test_table_covers_every_target_at_both_levels() -> None:
    rows = {(row["target"], row["scope"]) for row in TARGETS}
    assert rows == {(t, s) for t in install.TARGETS for s in ("user", "project")}


@pytest.mark.parametrize("name", ALL_SKILLS)
@pytest.mark.parametrize("row", TARGETS, ids=[f"{r['target']}-{r['scope']}" for r in TARGETS])
def test_install_puts_the_skill_where_the_host_looks(
    row: dict[str, str],
    name: str,
    private_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = tmp_path / "project"
    code, report = run_install(capsys, *scope_args(row, project), "--skill", name)
    folder = expected_folder(row, name, private_home, project)
    assert (code, report["folder"], report["platform"]) == (0, str(folder), row["platform"])
    assert [s["action"] for s in report["steps"]] == ["created"] * 3
    source = skills.locate(name, os.environ)
    assert (folder / "SKILL.md").read_bytes() == source.read_bytes()
    launcher = folder / install.LAUNCHER
    assert os.access(launcher, os.X_OK) and sys.executable in launcher.read_text("utf-8")
    manifest = json.loads((folder / install.MANIFEST).read_text("utf-8"))
    assert (manifest["skill"], manifest["target"], manifest["files"]) == (
        name,
        row["target"],
        OWN_FILES,
    )
    installed = skills.load(folder / "SKILL.md")
    assert (installed.name, installed.platform) == (name, row["platform"])
    found = doctor_command.examine(folder / "SKILL.md", os.environ, shutil.which, None)
    assert [f for f in found if f.level == "fail"] == []


@pytest.mark.parametrize("target", ["clawhub", "cursor", "claude"])
def test_skill_source_overrides_the_detected_platform(
    target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKILL_SOURCE", "my-host")
    code, report = run_install(capsys, "--target", target, "--skill", "picture-to-video-ai")
    assert (code, report["platform"]) == (0, "my-host")


def test_installing_twice_changes_nothing_then_repairs(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--target", "cursor", "--skill", "ai-product-video")
    _, first = run_install(capsys, *args)
    folder = Path(first["folder"])
    before = {p: (folder / p).read_bytes() for p in OWN_FILES}
    code, second = run_install(capsys, *args)
    assert code == 0 and [s["action"] for s in second["steps"]] == ["unchanged"] * 3
    assert {p: (folder / p).read_bytes() for p in OWN_FILES} == before
    (folder / "SKILL.md").write_text("edited by hand\n", "utf-8")
    (folder / install.LAUNCHER).chmod(0o644)
    _, third = run_install(capsys, *args)
    assert [s["action"] for s in third["steps"]] == ["updated", "updated", "unchanged"]
    assert {p: (folder / p).read_bytes() for p in OWN_FILES} == before
    assert os.access(folder / install.LAUNCHER, os.X_OK)


def test_a_folder_vidskill_did_not_create_is_kept_unless_forced(
    private_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = private_home / ".claude" / "skills" / "ai-product-video"
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text("someone else's skill\n", "utf-8")
    code = cli.main(["install", "--target", "claude", "--skill", "ai-product-video"])
    assert code == 1 and "--force" in capsys.readouterr().err
    assert (folder / "SKILL.md").read_text("utf-8") == "someone else's skill\n"
    assert not (folder / install.MANIFEST).exists()
    code, report = run_install(
        capsys, "--target", "claude", "--skill", "ai-product-video", "--force"
    )
    assert code == 0 and [s["action"] for s in report["steps"]] == ["updated", "created", "created"]


def test_uninstall_removes_only_its_own_files(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--target", "clawhub", "--skill", "online-photo-video-maker")
    _, report = run_install(capsys, *args)
    folder = Path(report["folder"])
    (folder / "notes.txt").write_text("mine\n", "utf-8")
    (folder / "bin" / "helper").write_text("also mine\n", "utf-8")
    code, gone = run_install(capsys, *args, "--uninstall")
    assert code == 0 and [s["action"] for s in gone["steps"]] == ["removed"] * 3
    left = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    assert left == ["bin", "bin/helper", "notes.txt"]


def test_uninstall_of_a_clean_install_leaves_no_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--target", "openclaw", "--project", str(tmp_path), "--skill", "vidskill")
    _, report = run_install(capsys, *args)
    code, _ = run_install(capsys, *args, "--uninstall")
    assert code == 0 and not Path(report["folder"]).exists()
    assert (tmp_path / "skills").is_dir()  # only the skill's own folder goes
    code = cli.main(["install", *args, "--uninstall"])
    assert code == 1 and "nothing to uninstall" in capsys.readouterr().err


def test_uninstall_ignores_manifest_paths_outside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "skills" / "demo"
    folder.mkdir(parents=True)
    outside = tmp_path / "keep.txt"
    outside.write_text("keep\n", "utf-8")
    manifest = {"files": ["../../keep.txt", str(outside), "SKILL.md", 7, install.MANIFEST]}
    (folder / install.MANIFEST).write_text(json.dumps(manifest), "utf-8")
    (folder / "SKILL.md").write_text("x\n", "utf-8")
    outcome = install.remove("openclaw", "demo", folder)
    assert [s.action for s in outcome.steps] == ["removed", "removed"]
    assert outside.exists() and not folder.exists()


def launch(launcher: Path, *args: str, home: Path) -> dict[str, Any]:
    """Run an installed launcher as a host does and read its one JSON object."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEMO_", "PYTHON"))}
    command = " ".join([str(launcher), *args])
    done = subprocess.run(
        ["sh", "-c", command],
        env={**env, "HOME": str(home)},
        cwd=home,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    value: dict[str, Any] = json.loads(done.stdout)
    return value


@pytest.mark.parametrize("skill_arg", [[], ["--skill", "ai-product-video"]], ids=["none", "name"])
def test_launcher_runs_the_installed_copy(
    skill_arg: list[str], private_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = run_install(capsys, "--target", "clawhub", "--skill", "ai-product-video")
    launcher = Path(report["launcher"])
    found = launch(launcher, "doctor", *skill_arg, "--offline", "--json", home=private_home)
    assert found["skill"] == str(Path(report["folder"]) / "SKILL.md")
    headers = next(f["message"] for f in found["findings"] if f["check"] == "headers")
    assert headers.endswith("X-Skill-Platform: clawhub")
    assert str(ROOT) in launcher.read_text("utf-8")


def test_launcher_works_where_the_folder_is_moved(
    private_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = run_install(capsys, "--target", "claude", "--skill", "picture-to-video-ai")
    moved = private_home / ".cursor" / "skills" / "picture-to-video-ai"
    shutil.copytree(report["folder"], moved)
    found = launch(moved / install.LAUNCHER, "doctor", "--offline", "--json", home=private_home)
    assert found["skill"] == str(moved / "SKILL.md")
    headers = next(f["message"] for f in found["findings"] if f["check"] == "headers")
    assert headers.endswith("X-Skill-Platform: cursor")


def test_readable_output_says_what_was_done(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["install", "--target", "cursor", "--skill", "vidskill"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Installed vidskill for cursor: ")
    assert [line.split()[0] for line in lines[1:4]] == ["created"] * 3
    assert "X-Skill-Platform: cursor" in lines[4]


def test_a_file_in_the_way_is_a_clear_error(
    private_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    skills_dir = private_home / ".cursor" / "skills"
    skills_dir.mkdir(parents=True)
    (skills_dir / "vidskill").write_text("not a folder\n", "utf-8")
    assert cli.main(["install", "--target", "cursor"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("vidskill: cannot change ") and "Traceback" not in err


def test_project_without_a_folder_means_the_current_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, report = run_install(capsys, "--target", "claude", "--project", "--skill", "vidskill")
    assert (code, report["folder"]) == (0, str(tmp_path / ".claude" / "skills" / "vidskill"))
