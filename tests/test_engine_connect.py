"""From options to a backend: --local, --api, NEMO_API_URL, the skill's apiDomain."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vidskill import errors
from vidskill.connect import LOCAL_EXTRA, ConnectOptions, backend, check_url, connect
from vidskill.skill import HOSTED_API, resolve


async def _found(options: ConnectOptions, env: dict[str, str]) -> tuple[str, str, str]:
    skill = resolve("ai-product-video", env)
    async with backend(options, skill, env) as found:
        return found.url, found.key, found.label


@pytest.mark.parametrize(
    ("options", "env", "url"),
    [
        (ConnectOptions(api="http://127.0.0.1:9/"), {"NEMO_API_URL": "http://env.test"}, None),
        (ConnectOptions(), {"NEMO_API_URL": "http://env.test/"}, "http://env.test"),
        (ConnectOptions(), {}, HOSTED_API),
    ],
)
async def test_the_backend_is_picked_in_order(
    options: ConnectOptions, env: dict[str, str], url: str | None
) -> None:
    found = await _found(options, env)
    assert found[0] == (url or "http://127.0.0.1:9")
    assert found[1] == found[2] == found[0]


def test_the_api_url_must_be_http() -> None:
    assert check_url("https://api.example.com/") == "https://api.example.com"
    for bad in ("ftp://example.com", "example.com", "http://"):
        with pytest.raises(errors.UsageError, match="--api"):
            check_url(bad)


async def test_local_and_api_together_are_refused() -> None:
    with pytest.raises(errors.UsageError, match="not both"):
        await _found(ConnectOptions(local=True, api="http://x.test"), {})


async def test_local_without_the_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "vidskill.server.embedded", None)  # as if not installed
    with pytest.raises(errors.UsageError, match="vidskill\\[local\\]") as caught:
        await _found(ConnectOptions(local=True), {})
    assert LOCAL_EXTRA in str(caught.value)


async def test_local_runs_over_the_data_folder_and_stops(tmp_path: Path) -> None:
    env = {"VIDSKILL_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}
    async with connect(ConnectOptions(local=True, skill="ai-product-video"), env=env) as engine:
        assert engine.backend_label == "local"
        outputs = [o async for o in engine.read("credits")]
        assert type(outputs[0]).__name__ == "CreditsShown"
    assert (tmp_path / "data" / "vidskill.sqlite3").exists()


async def test_an_unknown_skill_is_a_skill_error() -> None:
    with pytest.raises(errors.SkillError):
        async with connect(ConnectOptions(skill="no-such-skill"), env={}):
            pass
