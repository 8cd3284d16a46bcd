"""No token anywhere: one scan over everything a representative set of commands and flows made.

Known secrets: a registered token given as `NEMO_TOKEN`, a wrong token given the same way, the
test backend's named tokens, and every anonymous token the backend issued (read back from the
client's token cache). The scan covers stdout and stderr of one-shot commands (with `--json`
and without, successes and errors, a chat turn, an export), the engine's outputs in-process,
log records at DEBUG (httpx, httpcore, uvicorn, vidskill), exception messages, reprs and
tracebacks, and every file under the private HOME folders (journals, sessions, downloads).
The only place a token may be is the token cache, which must be mode 0600.
"""

from __future__ import annotations

import json
import logging
import stat
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from faults import Fault, drive, engine_for, faulty_backend, free_port
from oneshot_support import Cli
from servers import TEST_DEFAULTS, TOKENS, live_server, photos

from vidskill import errors
from vidskill.engine import ErrorShown, Output
from vidskill.server.config import NamedToken

SECRET = "tok-scan-2f9c41d7e8b34a6c"  # registered with the backend under the name "scan"
WRONG = "tok-wrong-9e1d5c3a7b2f4e60"  # a token the backend does not know
CREATE = "create a 5-second product showcase video with background music and text overlays"
FOLLOW = "set the music to 30%"
SKILL = ("--skill", "ai-product-video")
TOKEN_CACHE = "tokens.json"
SCANNED_LOGGERS = ("httpx", "httpcore", "uvicorn", "uvicorn.error", "vidskill", "asyncio")


@dataclass
class Scan:
    """Texts and files to search for secrets, and what was searched."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    caches: list[Path] = field(default_factory=list)

    def add(self, where: str, text: str) -> None:
        """A stream, message or repr to search."""
        self.texts.append((where, text))

    def add_tree(self, root: Path) -> None:
        """Every file under `root` (token caches are kept apart, to be checked for mode)."""
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            (self.caches if path.name == TOKEN_CACHE else self.files).append(path)

    def leaks(self, secrets: set[str]) -> list[str]:
        """Where any secret was found."""
        found = [w for w, text in self.texts for s in secrets if s in text]
        raw = {s.encode() for s in secrets}
        found += [str(p) for p in self.files for s in raw if s in p.read_bytes()]
        return found

    def cached_tokens(self) -> set[str]:
        """The tokens held in the token caches (all must be 0600)."""
        tokens: set[str] = set()
        for path in self.caches:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} is not 0600"
            entries = json.loads(path.read_text(encoding="utf-8"))
            tokens |= {str(e["token"]) for e in entries.values() if e.get("token")}
        return tokens


def _backend_tokens() -> tuple[NamedToken, ...]:
    return (*TEST_DEFAULTS["tokens"], NamedToken("scan", SECRET))


def _commands(cli: Cli, media: list[str], *, everything: bool = True) -> None:
    """A chat turn, reads, an export and errors, with `--json` and without."""
    for json_flag in (("--json",), ()):
        cli.run("credits", *SKILL, *json_flag)
        cli.run("state", *SKILL, *json_flag)
    if not everything:
        cli.run("say", FOLLOW, *SKILL)
        return
    cli.run("upload", *media, "--text", CREATE, *SKILL, "--json")
    cli.run("say", FOLLOW, *SKILL)
    cli.run("say", "what is on the timeline?", *SKILL, "--json", "--lang", "zh")
    cli.run("timeline", *SKILL)
    cli.run("export", *SKILL, "--json")
    cli.run("export", "--resume", *SKILL)  # nothing pending: an error
    cli.run("upload", "/nonexistent/file.png", *SKILL, "--json")  # a usage error
    cli.run("credits", "--api", f"http://127.0.0.1:{free_port()}", "--json")  # unreachable


@pytest.mark.timeout(600)
def test_one_shot_commands_leak_no_token(tmp_path: Path) -> None:
    scan = Scan()
    with live_server(tmp_path / "backend", tokens=_backend_tokens()) as srv:
        media = [str(p) for p in photos(tmp_path / "media")]
        users = {
            "anonymous": {},
            "named": {"NEMO_TOKEN": SECRET},
            "wrong": {"NEMO_TOKEN": WRONG},
        }
        clis = []
        for name, env in users.items():
            cwd = tmp_path / f"cwd-{name}"
            cwd.mkdir()
            cli = Cli(home=tmp_path / f"home-{name}", cwd=cwd, api_url=srv.url, extra_env=env)
            cli.secrets |= {SECRET, WRONG}
            _commands(cli, media, everything=name != "wrong")
            clis.append(cli)
        wrong = clis[2].runs[0]
        assert wrong.code != 0 and "NEMO_TOKEN" in wrong.json["error"]["message"]
        assert any(f.suffix == ".mp4" for f in (tmp_path / "cwd-named").iterdir())
    for cli in clis:
        for ran in cli.runs:
            scan.add(f"stdout of {ran.args}", ran.stdout)
            scan.add(f"stderr of {ran.args}", ran.stderr)
        scan.add_tree(cli.home)
        scan.add_tree(cli.cwd)
    anonymous = scan.cached_tokens()
    assert anonymous, "the anonymous user's token is cached (so the scan knows what to look for)"
    secrets = {SECRET, WRONG, *TOKENS.values(), *anonymous}
    assert scan.leaks(secrets) == []
    assert len(scan.texts) >= 50 and len(scan.files) >= 6, (len(scan.texts), len(scan.files))


def _error_texts(exc: BaseException) -> list[str]:
    data = exc.data if isinstance(exc, errors.BackendError) else {}
    return [str(exc), repr(exc), repr(exc.args), repr(data), *traceback.format_exception(exc)]


def _outputs_text(outputs: list[Output]) -> str:
    return "\n".join(json.dumps(o.to_json(), ensure_ascii=False, default=str) for o in outputs)


async def _flows(scan: Scan, url: str, tmp_path: Path, srv_faults: list[Fault]) -> None:
    """Anonymous and named flows with a dropped stream, a 1001 and errors, in-process."""
    for name, env in (("anonymous", {}), ("named", {"NEMO_TOKEN": SECRET})):
        async with engine_for(url, lang="zh-CN", env=env) as driven:
            engine = driven.engine
            outputs = await drive(engine.upload([str(p) for p in photos(tmp_path / name)]))
            outputs += await drive(engine.handle(CREATE))  # cut after two events
            outputs += await drive(engine.handle(FOLLOW))  # refused once with 1001
            outputs += await drive(engine.read("state"))
            outputs += await drive(engine.export(str(tmp_path / f"{name}.mp4")))
            scan.add(f"outputs of the {name} flow", _outputs_text(outputs))
            scan.add(f"reprs of the {name} flow", repr((driven.api, driven.api.tokens, engine)))
            scan.add(f"token repr of the {name} flow", repr(driven.api.tokens.current()))
    async with engine_for(url, env={"NEMO_TOKEN": WRONG}) as driven:
        outputs = await drive(driven.engine.handle(CREATE))
        assert [o for o in outputs if isinstance(o, ErrorShown)], outputs
        scan.add("outputs with a wrong token", _outputs_text(outputs))
        with pytest.raises(errors.TokenError) as refused:
            await driven.api.credits()
        scan.texts += [("a refused token's exception", t) for t in _error_texts(refused.value)]
    assert all(f.fired for f in srv_faults)


@pytest.mark.timeout(600)
async def test_engine_flows_leak_no_token_to_outputs_logs_or_exceptions(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = Scan()
    caplog.set_level(logging.DEBUG)
    for name in SCANNED_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    with faulty_backend(tmp_path / "backend", tokens=_backend_tokens()) as srv:
        armed = []
        # Chat requests: 1 anonymous create (cut), 2 anonymous edit (1001), 3 its one retry,
        # 4 named create (cut), 5 named edit (1001: a NEMO_TOKEN is not renewed).
        for run in (1, 4):
            armed.append(srv.app.arm(Fault("POST", "/run_sse", run, drop_after=2)))
        for run in (2, 5):
            body = {"code": 1001, "message": "token invalid or expired"}
            armed.append(srv.app.arm(Fault("POST", "/run_sse", run, status=401, body=body)))
        await _flows(scan, srv.url, tmp_path, armed)
    records = caplog.records
    assert any(r.name.startswith("httpx") for r in records), "DEBUG logs were captured"
    scan.add("captured log text", caplog.text)
    for record in records:
        scan.add(f"log record {record.name}", record.getMessage() + repr(record.args))
        if record.exc_info and record.exc_info[1] is not None:
            scan.texts += [
                (f"logged exception {record.name}", t) for t in _error_texts(record.exc_info[1])
            ]
    out, err = capsys.readouterr()
    scan.add("stdout", out)
    scan.add("stderr", err)
    scan.add_tree(Path.home())
    for folder in tmp_path.iterdir():
        if folder.name != "backend":  # the backend's own database holds what it issued
            scan.add_tree(folder) if folder.is_dir() else scan.files.append(folder)
    anonymous = scan.cached_tokens()
    assert anonymous, "the anonymous user's token is cached"
    assert scan.leaks({SECRET, WRONG, *TOKENS.values(), *anonymous}) == []
