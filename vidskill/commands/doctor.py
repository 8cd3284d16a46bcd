"""`vidskill doctor [--skill X]`: check a skill folder, its backend and the token, with fixes.

The checks of the file are `vidskill.doctor`'s; this module reads the file, asks the backend for
its health (unless `--offline`), looks at where the token would come from, and prints.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from vidskill import doctor, frontmatter
from vidskill import skill as skills
from vidskill.client import TokenStore
from vidskill.client.network import public_url
from vidskill.doctor import Finding, Which
from vidskill.errors import SkillError

LABELS = {"ok": "ok", "warn": "WARN", "fail": "FAIL"}
PROBE_TIMEOUT_S = 3.0
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill doctor`."""
    parser.add_argument(
        "--skill", metavar="NAME|PATH", help="bundled skill, folder or SKILL.md (default: vidskill)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--offline", action="store_true", help="do not contact the backend")


def run(args: argparse.Namespace) -> int:
    """Run every check; exit 1 when one of them failed."""
    env = dict(os.environ)
    path = skills.locate(args.skill, env)
    if args.offline:
        findings = examine(path, env, shutil.which, None)
    else:
        # A proxy from the environment must not stand between us and a backend on this machine.
        with httpx.Client(trust_env=False) as client:
            findings = examine(path, env, shutil.which, client)
    failed = any(f.level == "fail" for f in findings)
    if args.json:
        data = {
            "schema": 1,
            "ok": not failed,
            "skill": str(path),
            "counts": {level: sum(f.level == level for f in findings) for level in LABELS},
            "findings": [f.to_json() for f in findings],
        }
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(describe(str(path), findings))
    return 1 if failed else 0


def examine(
    path: Path, env: Mapping[str, str], which: Which, client: httpx.Client | None
) -> list[Finding]:
    """Check a SKILL.md file, then (with a client) its backend, then the token."""
    text: str | None = None
    problem = ""
    try:
        text = frontmatter.read_text(path)
    except SkillError as exc:
        problem = str(exc)
    own_root = path.resolve() == (skills.ROOT / "SKILL.md").resolve()
    checked = doctor.subject(
        str(path),
        text,
        env,
        which,
        own_root=own_root,
        realpath=os.path.realpath,
        unreadable=problem,
    )
    findings = doctor.check_file(checked)
    if text is None or checked.meta is None:
        return findings
    try:
        found = skills.from_text(text, path=str(path), env=env, realpath=os.path.realpath)
    except SkillError:
        return findings  # the headers check already says why; there is no backend to ask
    if client is not None:
        findings.append(probe_backend(found.api_base, client))
    findings.append(token_state(found.api_base, env))
    return findings


def probe_backend(api_base: str, client: httpx.Client) -> Finding:
    """GET <api_base>/api/health; unreachable is a failure on this machine, else a warning."""
    shown = public_url(api_base)
    try:
        response = client.get(api_base.rstrip("/") + "/api/health", timeout=PROBE_TIMEOUT_S)
    except httpx.HTTPError as exc:
        local = (urlsplit(api_base).hostname or "") in _LOOPBACK
        fix = "start it with `vidskill serve`" if local else "check the network or NEMO_API_URL"
        message = f"{shown} cannot be reached ({type(exc).__name__})"
        return Finding("fail" if local else "warn", "backend", message, fix)
    if response.is_success:
        return Finding("ok", "backend", f"{shown} answers")
    fix = "check that NEMO_API_URL or apiDomain points at a NemoVideo backend"
    message = f"{shown}/api/health answered HTTP {response.status_code}"
    return Finding("warn", "backend", message, fix)


def token_state(api_base: str, env: Mapping[str, str]) -> Finding:
    """Where the token will come from; never shows it."""
    store = TokenStore(public_url(api_base), env=env)
    if store.token_from_env:
        return Finding("ok", "token", "NEMO_TOKEN is set")
    if store.current() is not None:
        return Finding("ok", "token", "a cached anonymous token is still valid")
    return Finding("ok", "token", "no token yet: a free anonymous one is requested on first use")


def describe(path: str, findings: Sequence[Finding]) -> str:
    """A readable report: one line per finding, fixes under warnings and failures, a total."""
    width = max((len(f.check) for f in findings), default=0)
    lines = [f"Checking {path}"]
    for finding in findings:
        lines.append(f"  {LABELS[finding.level]:<4}  {finding.check:<{width}}  {finding.message}")
        if finding.level != "ok" and finding.fix:
            lines.append(f"        {'':<{width}}  fix: {finding.fix}")
    counts = Counter(f.level for f in findings)
    warnings = "warning" if counts["warn"] == 1 else "warnings"
    failures = "failure" if counts["fail"] == 1 else "failures"
    lines.append(f"{counts['ok']} ok, {counts['warn']} {warnings}, {counts['fail']} {failures}")
    return "\n".join(lines)
