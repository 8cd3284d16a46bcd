"""The Skill value, the bundled skills, platform detection and `vidskill skill`.

Golden files in tests/data/skills_golden/ hold every resolved field of vidskill's own skill and
the five bundled ones under a fixed environment. Regenerate them with
`VIDSKILL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_skill.py`, then review the diff.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import vidskill
from vidskill import frontmatter, skill
from vidskill.errors import SkillError, SkillValidationError

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = DATA / "skills_golden"
TABLE = json.loads((DATA / "skill_cases.json").read_text(encoding="utf-8"))
SEED = TABLE["seed_skills"]
ALL_SKILLS = ["vidskill", *sorted(name for name in SEED if name != "vidskill")]
FIXED_ENV = {"HOME": "/nonexistent/golden-home"}
UPDATE = os.environ.get("VIDSKILL_UPDATE_GOLDEN") == "1"
COMMANDS = ("upload FILE...", 'say "TEXT"', "state", "credits", "export [-o PATH]")


def resolved(name: str) -> dict[str, Any]:
    """A skill's JSON view, its path made relative to the repository for a stable golden."""
    data = skill.resolve(name, FIXED_ENV).to_json()
    data["path"] = Path(data["path"]).relative_to(ROOT).as_posix()
    return data


def skill_text(fields: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\nBody\n"


def case_fields(case: dict[str, Any]) -> dict[str, Any]:
    fields = dict(TABLE["base"])
    for key, value in case["set"].items():
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value
    return fields


def write_skill(folder: Path, name: str = "demo-skill") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "SKILL.md"
    path.write_text(skill_text({**TABLE["base"], "name": name}), encoding="utf-8")
    return path


# Goldens and the bundled skills


@pytest.mark.parametrize("name", ALL_SKILLS)
def test_resolved_skill_matches_golden(name: str) -> None:
    path = GOLDEN / f"{name}.json"
    found = resolved(name)
    if UPDATE:
        path.write_text(json.dumps(found, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert found == json.loads(path.read_text(encoding="utf-8"))


def test_bundled_lists_the_five_seed_skills() -> None:
    assert skill.bundled() == sorted(SEED.keys() - {"vidskill"})
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(ALL_SKILLS)


@pytest.mark.parametrize("name", ALL_SKILLS)
def test_seed_limits_and_formats(name: str) -> None:
    found = skill.resolve(name, FIXED_ENV)
    expected = SEED[name]
    assert found.max_upload_bytes == expected["max_upload_mb"] * 1024 * 1024
    best = expected["best"]
    assert found.formats[: len(best)] == tuple(best)
    assert set(skill.COMMON_FORMATS) <= set(found.formats)
    assert set(found.formats) - set(skill.COMMON_FORMATS) <= set(best)
    assert ("heic" in found.formats) == ("heic" in best)
    assert ("docx" in found.formats) == ("docx" in best)


@pytest.mark.parametrize("name", ALL_SKILLS)
def test_seed_skill_is_a_valid_host_skill(name: str) -> None:
    path = skill.locate(name, FIXED_ENV)
    meta, _body = frontmatter.load(path)
    assert meta["name"] == name
    if name != "vidskill":  # the root skill's folder is the checkout, whatever it is called
        assert path.parent.name == name
    assert isinstance(meta["version"], str)
    assert 0 < len(meta["description"]) <= 1024 and "Use it" in meta["description"]
    assert meta["homepage"].startswith("https://")
    assert meta["apiDomain"] == skill.HOSTED_API
    openclaw = meta["metadata"]["openclaw"]
    assert openclaw["requires"] == {"bins": ["python3"], "env": []}
    assert openclaw["primaryEnv"] == "NEMO_TOKEN"
    assert openclaw["configPaths"] == ["~/.config/nemovideo/", "~/.config/vidskill/"]
    assert openclaw["emoji"]
    settings = meta["metadata"]["vidskill"]
    assert settings["greeting"] and len(settings["examples"]) >= 3 and settings["tips"]
    assert settings["i18n"]["zh-CN"]["greeting"]


@pytest.mark.parametrize("name", ALL_SKILLS)
def test_seed_body_tells_a_host_what_to_run(name: str) -> None:
    _, body = frontmatter.load(skill.locate(name, FIXED_ENV))
    for command in COMMANDS:
        assert f"`vidskill {command} --skill {name} --json`" in body
    assert "python3 -m vidskill" in body
    for code in ("0 done", "2 usage error", "3 the backend refused", "4 network error", "130"):
        assert code in body
    assert "Never show tokens, raw JSON" in body


def test_metadata_is_written_both_as_json_and_as_yaml() -> None:
    for name in ALL_SKILLS:
        text = skill.locate(name, FIXED_ENV).read_text(encoding="utf-8")
        one_line_json = "\nmetadata: {" in text
        assert one_line_json == (SEED[name]["metadata"] == "json"), name


def test_root_skill_version_is_the_package_version() -> None:
    assert skill.resolve(None, FIXED_ENV).version == vidskill.__version__


# Validation table


@pytest.mark.parametrize("case", TABLE["cases"], ids=lambda c: c["id"])
def test_validation_case(case: dict[str, Any]) -> None:
    text = skill_text(case_fields(case))
    if "error" in case:
        with pytest.raises(SkillValidationError) as info:
            skill.from_text(text, path=None, env={})
        assert str(info.value) == case["error"]
    else:
        found = skill.from_text(text, path=None, env={}).to_json()
        assert {key: found[key] for key in case["expect"]} == case["expect"]


def test_validation_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "SKILL.md"
    path.write_text(skill_text({**TABLE["base"], "name": "Bad"}), encoding="utf-8")
    with pytest.raises(SkillValidationError, match=rf"^{path}: name 'Bad'"):
        skill.load(path, {})


# Backend URLs and headers


def test_api_base_precedence() -> None:
    text = skill_text({**TABLE["base"], "apiDomain": "https://from-file.example"})
    plain = skill_text(TABLE["base"])
    env = {"NEMO_API_URL": "http://127.0.0.1:9/"}
    assert skill.from_text(text, path=None, env=env).api_base == "http://127.0.0.1:9"
    assert skill.from_text(text, path=None, env={}).api_base == "https://from-file.example"
    assert skill.from_text(plain, path=None, env={}).api_base == skill.HOSTED_API
    assert skill.from_text(plain, path=None, env={"NEMO_API_URL": ""}).api_base == skill.HOSTED_API


def test_bad_api_url_in_env_is_named() -> None:
    with pytest.raises(SkillValidationError, match=r"\(from the environment\)"):
        skill.from_text(skill_text(TABLE["base"]), path=None, env={"NEMO_API_URL": "ftp://x"})


def test_web_base_precedence() -> None:
    text = skill_text({**TABLE["base"], "webDomain": "https://web.example"})
    env = {"NEMO_WEB_URL": "https://env.example"}
    assert skill.from_text(text, path=None, env=env).web_base == "https://env.example"
    assert skill.from_text(text, path=None, env={}).web_base == "https://web.example"
    plain = skill_text(TABLE["base"])
    assert skill.from_text(plain, path=None, env={}).web_base == skill.HOSTED_WEB


def test_headers_follow_the_protocol() -> None:
    found = skill.resolve("ai-product-video", {**FIXED_ENV, "SKILL_SOURCE": "openclaw"})
    assert found.headers() == {
        "X-Skill-Source": "ai-product-video",
        "X-Skill-Version": "1.0.0",
        "X-Skill-Platform": "openclaw",
    }


def test_skill_is_frozen_and_settings_read_only() -> None:
    found = skill.resolve(None, FIXED_ENV)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        found.settings["max_upload_mb"] = 1  # type: ignore[index]


def test_texts_by_language() -> None:
    found = skill.resolve("online-photo-video-maker", FIXED_ENV)
    chinese = found.texts("zh-CN")
    assert chinese.greeting.startswith("📸 发送") and chinese == found.texts("zh")
    assert found.texts("zh-TW") == chinese
    assert found.texts("fr") == skill.Texts(found.greeting, found.examples, found.tips)


def test_accepts_by_extension() -> None:
    photos = skill.resolve("picture-to-video-ai", FIXED_ENV)
    script = skill.resolve("ai-video-generator-ai", FIXED_ENV)
    assert photos.accepts("IMG_0001.HEIC") and photos.accepts("/a/b/clip.mp4")
    assert not photos.accepts("script.docx") and not photos.accepts("README")
    assert script.accepts("draft.docx") and not script.accepts("photo.heic")


# Platform detection with real files under a temporary home


@pytest.mark.parametrize(
    ("folder", "platform"),
    [
        (".clawhub/skills/demo-skill", "clawhub"),
        (".clawhub/demo-skill", "clawhub"),
        (".cursor/skills/demo-skill", "cursor"),
        (".cursor/skills/nested/demo-skill", "cursor"),
        (".cursor/demo-skill", "unknown"),
        (".clawhubx/demo-skill", "unknown"),
        (".claude/skills/demo-skill", "unknown"),
        ("projects/demo-skill", "unknown"),
    ],
)
def test_platform_by_install_folder(private_home: Path, folder: str, platform: str) -> None:
    path = write_skill(private_home / folder)
    assert skill.load(path, {"HOME": str(private_home)}).platform == platform


def test_platform_outside_home(tmp_path: Path, private_home: Path) -> None:
    path = write_skill(tmp_path / "elsewhere" / ".clawhub" / "demo-skill")
    assert skill.load(path, {"HOME": str(private_home)}).platform == "unknown"


def test_skill_source_overrides_the_folder(private_home: Path) -> None:
    path = write_skill(private_home / ".cursor" / "skills" / "demo-skill")
    env = {"HOME": str(private_home), "SKILL_SOURCE": "openclaw"}
    assert skill.load(path, env).platform == "openclaw"
    assert skill.load(path, {**env, "SKILL_SOURCE": "  "}).platform == "cursor"
    with pytest.raises(SkillValidationError, match="SKILL_SOURCE"):
        skill.load(path, {**env, "SKILL_SOURCE": "bad\nvalue"})


def test_platform_through_a_symlinked_install(tmp_path: Path, private_home: Path) -> None:
    real = write_skill(tmp_path / "checkout" / "demo-skill").parent
    link = private_home / ".cursor" / "skills" / "demo-skill"
    link.parent.mkdir(parents=True)
    link.symlink_to(real, target_is_directory=True)
    assert skill.resolve(str(link), {"HOME": str(private_home)}).platform == "cursor"


def test_platform_through_a_symlinked_home(tmp_path: Path, private_home: Path) -> None:
    path = write_skill(private_home / ".clawhub" / "demo-skill")
    alias = tmp_path / "home-alias"
    alias.symlink_to(private_home, target_is_directory=True)
    assert skill.load(path, {"HOME": str(alias)}).platform == "clawhub"


def test_platform_with_dot_dot_in_the_path(private_home: Path) -> None:
    write_skill(private_home / ".cursor" / "skills" / "demo-skill")
    twisted = private_home / "x" / ".." / ".cursor" / "skills" / "demo-skill" / "SKILL.md"
    (private_home / "x").mkdir()
    assert skill.load(twisted, {"HOME": str(private_home)}).platform == "cursor"


# resolve


def test_resolve_by_name_folder_file_and_home(private_home: Path) -> None:
    env = {"HOME": str(private_home)}
    path = write_skill(private_home / "mine" / "demo-skill")
    assert skill.resolve(None, env).name == "vidskill"
    assert skill.resolve("vidskill", env).path == str(ROOT / "SKILL.md")
    assert skill.resolve("ai-product-video", env).name == "ai-product-video"
    assert skill.resolve(str(path.parent), env).path == str(path)
    assert skill.resolve(str(path), env).path == str(path)
    assert skill.resolve("~/mine/demo-skill", env).path == str(path)


def test_resolve_unknown_name_lists_the_bundled_skills() -> None:
    with pytest.raises(SkillError) as info:
        skill.resolve("no-such-skill", FIXED_ENV)
    message = str(info.value)
    assert "no-such-skill" in message
    for name in ALL_SKILLS:
        assert name in message


def test_resolve_folder_without_skill_md(tmp_path: Path) -> None:
    with pytest.raises(SkillError, match=r"has no SKILL\.md"):
        skill.resolve(str(tmp_path), FIXED_ENV)


# The command line


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vidskill", "skill", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_show_json_default_skill() -> None:
    done = run_cli("show", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["ok"] is True and data["schema"] == 1
    assert data["skill"]["name"] == "vidskill"
    assert data["skill"]["headers"]["X-Skill-Source"] == "vidskill"


def test_cli_show_json_installed_skill_env_and_platform(private_home: Path) -> None:
    path = write_skill(private_home / ".clawhub" / "demo-skill")
    done = run_cli(
        "show", "--skill", str(path.parent), "--json", env={"NEMO_API_URL": "http://127.0.0.1:5"}
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["skill"]
    assert found["api_base"] == "http://127.0.0.1:5"
    assert found["headers"] == {
        "X-Skill-Source": "demo-skill",
        "X-Skill-Version": "1.0.0",
        "X-Skill-Platform": "clawhub",
    }


def test_cli_show_text_has_the_headers() -> None:
    done = run_cli("show", "--skill", "media-content-generator")
    assert done.returncode == 0, done.stderr
    assert "X-Skill-Source: media-content-generator" in done.stdout
    assert "X-Skill-Platform: unknown" in done.stdout
    assert "500 MB per file" in done.stdout


def test_cli_list() -> None:
    done = run_cli("list", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["skills"]
    assert [row["name"] for row in rows] == ALL_SKILLS
    limits = {row["name"]: row["max_upload_bytes"] // (1024 * 1024) for row in rows}
    assert limits == {name: SEED[name]["max_upload_mb"] for name in ALL_SKILLS}
    text = run_cli("list").stdout
    assert "Online Photo Video Maker" in text and "200 MB" in text


def test_cli_unknown_skill_and_missing_action() -> None:
    done = run_cli("show", "--skill", "nope", "--json")
    assert done.returncode == 1
    error = json.loads(done.stdout)["error"]
    assert error["type"] == "SkillError" and "ai-product-video" in error["message"]
    assert run_cli().returncode == 2
