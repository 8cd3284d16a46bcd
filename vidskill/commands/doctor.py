"""`vidskill doctor [--skill X]`: check a skill folder, its backend and the token, with fixes."""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections import Counter
from collections.abc import Sequence

import httpx

from vidskill import doctor
from vidskill import skill as skills
from vidskill.doctor import Finding

LABELS = {"ok": "ok", "warn": "WARN", "fail": "FAIL"}


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
        findings = doctor.examine(path, env, shutil.which, None)
    else:
        # A proxy from the environment must not stand between us and a backend on this machine.
        with httpx.Client(trust_env=False) as client:
            findings = doctor.examine(path, env, shutil.which, client)
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
