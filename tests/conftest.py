"""Shared test settings: every test runs with a private HOME so nothing touches the user's files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def private_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point HOME and the XDG folders at a fresh temporary folder for each test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    for name in (
        "NEMO_TOKEN",
        "NEMO_API_URL",
        "NEMO_CLIENT_ID",
        "SKILL_SOURCE",
        "VIDSKILL_CONFIG_DIR",
        "VIDSKILL_DATA_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    yield home
