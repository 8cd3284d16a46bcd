"""Running the one-shot commands as a host agent does: `python -m vidskill ...` in a subprocess.

`Cli` keeps a private HOME and working folder, points `NEMO_API_URL` at a test backend, runs
commands with `--json`, and checks after every run that no token (a named test token, or an
anonymous token the client cached) appears in stdout or stderr. `probe` reads an MP4 with PyAV.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import ROOT
from servers import TOKENS

FAST = {
    # Recovery and polling waits short enough for tests (the defaults are 30 s and more).
    "VIDSKILL_RECOVERY_WAITS_S": "0.5,1",
    "VIDSKILL_POLL_INTERVAL_S": "1",
    "VIDSKILL_POLL_MAX": "240",
}


@dataclass
class Ran:
    """One finished command: exit code, output streams and the parsed JSON object."""

    args: list[str]
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        """The one JSON object on stdout."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        assert len(lines) == 1, f"expected one JSON line, got: {self.stdout!r}"
        value: dict[str, Any] = json.loads(lines[0])
        return value


@dataclass
class Cli:
    """A private user of the vidskill command line against one backend."""

    home: Path
    cwd: Path
    api_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=lambda: set(TOKENS.values()))
    runs: list[Ran] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """The environment of a command: private folders, the backend, fast waits."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("NEMO_", "VIDSKILL_"))}
        env = {
            **keep,
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "PYTHONPATH": str(ROOT),
            **FAST,
            **self.extra_env,
        }
        if self.api_url:
            env["NEMO_API_URL"] = self.api_url
        env.pop("SKILL_SOURCE", None)
        return env

    def run(self, *args: str, timeout: float = 600) -> Ran:
        """Run `vidskill ARGS` to its end and check its output for secrets."""
        command = [sys.executable, "-m", "vidskill", *args]
        done = subprocess.run(
            command,
            env=self.env(),
            cwd=self.cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        ran = Ran(list(args), done.returncode, done.stdout, done.stderr)
        self.runs.append(ran)
        self.secrets |= self.cached_tokens()
        self.assert_no_secrets()
        return ran

    def cached_tokens(self) -> set[str]:
        """The anonymous tokens the client keeps in its 0600 token file."""
        path = self.home / ".config" / "vidskill" / "tokens.json"
        if not path.exists():
            return set()
        entries = json.loads(path.read_text(encoding="utf-8"))
        return {str(e["token"]) for e in entries.values() if e.get("token")}

    def assert_no_secrets(self) -> None:
        """No token of this user or the test backend appears in any captured output."""
        for ran in self.runs:
            for secret in self.secrets:
                assert secret not in ran.stdout, f"a token leaked to stdout of {ran.args}"
                assert secret not in ran.stderr, f"a token leaked to stderr of {ran.args}"


def probe(path: Path) -> dict[str, Any]:
    """What PyAV reads from an MP4: video codec, size, duration and audio."""
    import av

    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio
        duration = float(container.duration or 0) / 1_000_000
        return {
            "codec": video.codec_context.name,
            "width": video.codec_context.width,
            "height": video.codec_context.height,
            "duration": duration,
            "audio": len(audio) > 0,
            "decodes": next(container.decode(video=0), None) is not None,
        }
