"""Each seed skill from a first hello to a downloaded MP4, through the one-shot commands.

A real local backend runs on 127.0.0.1; the commands run as a host agent runs them
(`python -m vidskill ... --json`, `NEMO_API_URL` set, a private HOME), in English and Chinese.
The MP4 is probed with PyAV; the backend's turns table proves every message ran exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA
from media_samples import make
from oneshot_support import Cli, probe
from servers import TOKENS, LiveServer, live_server

SEEDS: list[dict[str, Any]] = yaml.safe_load((DATA / "oneshot_seeds.yaml").read_text("utf-8"))
RUNS = [(seed, lang) for seed in SEEDS for lang in ("en", "zh-CN")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("backend")) as srv:
        yield srv


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _files(folder: Path, specs: list[dict[str, str]]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for spec in specs:
        path = folder / spec["name"]
        if "text" in spec:
            path.write_text(spec["text"], encoding="utf-8")
        else:
            make(spec["sample"], path)
        paths.append(str(path))
    return paths


def _ok(cli: Cli, *args: str) -> dict[str, Any]:
    ran = cli.run(*args, "--json")
    found = ran.json
    assert ran.code == 0 and found["ok"], (args, found, ran.stderr)
    assert found["schema"] == 1 and found["error"] is None
    assert found["journal"] and Path(found["journal"]).is_file()
    assert len(ran.stdout.encode()) < 8192
    return found


@pytest.mark.parametrize(
    ("seed", "lang"), RUNS, ids=[f"{seed['skill']}-{lang}" for seed, lang in RUNS]
)
def test_seed_skill_from_hello_to_mp4(
    server: LiveServer, tmp_path: Path, seed: dict[str, Any], lang: str
) -> None:
    words = seed[lang]
    cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=server.url)
    if words.get("token"):
        cli.extra_env["NEMO_TOKEN"] = TOKENS[words["token"]]
    skill = ("--skill", seed["skill"])
    files = _files(tmp_path / "media", words.get("files") or seed["files"])

    balance = _ok(cli, "credits", *skill)["credits"]
    assert balance["available"] > 0 and balance["total"] >= balance["available"]

    hello = _ok(cli, "say", words["greet"], *skill)
    assert hello["lang"] == lang and hello["text"] and _chinese(hello["text"]) == (lang != "en")

    made = _ok(cli, "upload", *files, "--text", words["create"], *skill)
    assert made["session_id"] == hello["session_id"] and made["text"]
    assert _chinese(made["text"]) == (lang != "en")
    assert made["timeline"] and made["notices"]

    edited = _ok(cli, "say", words["edit"], *skill)
    assert edited["text"] and edited["session_id"] == hello["session_id"]

    state = _ok(cli, "state", *skill)
    assert len(state["assets"]) == len(files) and state["timeline"] == edited["timeline"]

    exported = _ok(cli, "export", *skill)
    [saved] = exported["files"]
    video = probe(Path(saved["path"]))
    assert Path(saved["path"]).parent == tmp_path and saved["size"] > 10_000
    assert video["codec"] == "h264" and video["audio"] and video["decodes"]
    assert (video["width"], video["height"]) == (saved["width"], saved["height"])
    assert max(video["width"], video["height"]) == 1920
    assert abs(video["duration"] - 5.0) <= 0.5

    runs = server.message_runs(hello["session_id"])
    assert runs == {words["greet"]: 1, words["create"]: 1, words["edit"]: 1}
