"""`vidskill install --target HOST`: put a skill folder where a host agent looks for skills."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vidskill import frontmatter, install
from vidskill import skill as skills
from vidskill.errors import VidskillError
from vidskill.install import Outcome


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `vidskill install`."""
    parser.add_argument("--target", required=True, choices=install.TARGETS, help="the host")
    parser.add_argument(
        "--skill", metavar="NAME|PATH", help="bundled skill, folder or SKILL.md (default: vidskill)"
    )
    parser.add_argument(
        "--project",
        metavar="DIR",
        nargs="?",
        const=".",
        help="install into this project folder (default: the current one) instead of for the user",
    )
    parser.add_argument("--uninstall", action="store_true", help="remove what install wrote")
    parser.add_argument(
        "--force", action="store_true", help="overwrite a folder vidskill did not create"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Install or uninstall, then say what was done."""
    env = dict(os.environ)
    source = skills.locate(args.skill, env)
    text = frontmatter.read_text(source)
    name = skills.from_text(text, path=str(source), env=env).name
    home = Path(env.get("HOME") or Path.home())
    project = Path(args.project).absolute() if args.project else None
    if args.uninstall:
        folder = install.folder_for(args.target, name, home=home, project=project)
        outcome = _on_disk(lambda: install.remove(args.target, name, folder))
        platform = None
    else:
        chosen = install.plan(
            args.target,
            name,
            text,
            home=home,
            project=project,
            python=sys.executable,
            root=skills.ROOT,
        )
        outcome = _on_disk(lambda: install.apply(chosen, force=args.force))
        platform = skills.load(chosen.folder / "SKILL.md", env).platform
    print(_json(outcome, platform) if args.json else describe(outcome, platform))
    return 0


def _on_disk(work: Callable[[], Outcome]) -> Outcome:
    """Run a file operation; a refused write becomes one clear error."""
    try:
        return work()
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise VidskillError(f"cannot change{where}: {exc.strerror or exc}") from exc


def _json(outcome: Outcome, platform: str | None) -> str:
    data: dict[str, Any] = {"schema": 1, "ok": True, **outcome.to_json()}
    if platform is not None:
        data["platform"] = platform
        data["launcher"] = str(Path(outcome.folder) / install.LAUNCHER)
    return json.dumps(data, ensure_ascii=False)


def describe(outcome: Outcome, platform: str | None) -> str:
    """A readable account of what an install or uninstall did."""
    verb = "Installed" if outcome.operation == "install" else "Uninstalled"
    lines = [f"{verb} {outcome.name} for {outcome.target}: {outcome.folder}"]
    lines += [f"  {step.action:<9} {step.path}" for step in outcome.steps]
    if platform is not None:
        launcher = Path(outcome.folder) / install.LAUNCHER
        lines += [
            f"Requests from this copy say X-Skill-Platform: {platform}",
            f'Run it as a host does: {launcher} say "make a 15-second slideshow" --json',
        ]
    return "\n".join(lines)
