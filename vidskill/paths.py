"""Where vidskill keeps its files, computed from an environment mapping and a home folder."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder for settings, the token cache and remembered sessions."""
    env = os.environ if env is None else env
    if env.get("VIDSKILL_CONFIG_DIR"):
        return Path(env["VIDSKILL_CONFIG_DIR"])
    if sys.platform == "darwin":
        return _home(env) / "Library" / "Application Support" / "vidskill"
    base = env.get("XDG_CONFIG_HOME") or str(_home(env) / ".config")
    return Path(base) / "vidskill"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder for the local backend's database, media and renders."""
    env = os.environ if env is None else env
    if env.get("VIDSKILL_DATA_DIR"):
        return Path(env["VIDSKILL_DATA_DIR"])
    if sys.platform == "darwin":
        return _home(env) / "Library" / "Application Support" / "vidskill" / "data"
    base = env.get("XDG_DATA_HOME") or str(_home(env) / ".local" / "share")
    return Path(base) / "vidskill"


def nemovideo_client_id_file(env: Mapping[str, str] | None = None) -> Path:
    """The shared client id file of PROTOCOL.md §5 (`~/.config/nemovideo/client_id`)."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(_home(env) / ".config")
    return Path(base) / "nemovideo" / "client_id"


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (0600), replacing it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
