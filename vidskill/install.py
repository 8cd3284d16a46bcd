"""Install a skill folder where a host agent looks for skills, and remove it again.

`plan` is pure: from the target, the skill's name and text, the home folder, an optional project
folder, the interpreter and this checkout's root, it says which folder gets which files. `apply`
and `remove` carry a plan out on disk. An install writes three files: the SKILL.md, a POSIX
launcher `bin/vidskill` that runs this checkout with the interpreter that installed it, and a
manifest listing what was written, so that a second install only updates its own files and an
uninstall removes exactly those.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from vidskill import __version__
from vidskill.errors import UsageError, VidskillError

TARGETS = ("clawhub", "openclaw", "cursor", "claude")
MANIFEST = ".vidskill-install.json"
LAUNCHER = "bin/vidskill"
# Where each host looks: (folder under the home folder, folder under a project).
FOLDERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "clawhub": ((".clawhub", "skills"), ("skills",)),
    "openclaw": ((".openclaw", "skills"), ("skills",)),
    "cursor": ((".cursor", "skills"), (".cursor", "skills")),
    "claude": ((".claude", "skills"), (".claude", "skills")),
}
# The commands that take `--skill`; the launcher points them at the skill in its own folder.
SKILL_COMMANDS = ("say", "upload", "export", "credits", "state", "chat", "doctor")
Action = Literal["created", "updated", "unchanged", "removed", "missing"]


@dataclass(frozen=True)
class PlannedFile:
    """One file an install writes: its path inside the skill folder, text and permissions."""

    path: str
    text: str
    mode: int = 0o644


@dataclass(frozen=True)
class Plan:
    """What installing one skill for one host means: the folder and the files to write."""

    target: str
    name: str
    folder: Path
    files: tuple[PlannedFile, ...]

    def manifest(self) -> dict[str, Any]:
        """The manifest's content: who wrote the folder and which files belong to it."""
        return {
            "schema": 1,
            "installer": f"vidskill {__version__}",
            "target": self.target,
            "skill": self.name,
            "files": [f.path for f in self.files] + [MANIFEST],
        }


@dataclass(frozen=True)
class Step:
    """What happened to one file."""

    action: Action
    path: str


@dataclass(frozen=True)
class Outcome:
    """What an install or an uninstall did."""

    operation: Literal["install", "uninstall"]
    target: str
    name: str
    folder: str
    steps: tuple[Step, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "operation": self.operation,
            "target": self.target,
            "skill": self.name,
            "folder": self.folder,
            "steps": [{"action": s.action, "path": s.path} for s in self.steps],
        }


def folder_for(target: str, name: str, *, home: Path, project: Path | None) -> Path:
    """The folder a host reads the skill from: user level, or project level with `project`."""
    if target not in FOLDERS:
        raise UsageError(f"unknown target {target!r}: choose one of {', '.join(TARGETS)}")
    user, in_project = FOLDERS[target]
    base = home.joinpath(*user) if project is None else project.joinpath(*in_project)
    return base / name


def launcher(python: str, root: Path, name: str) -> str:
    """A POSIX shell launcher running vidskill from `root` with `python`, on this skill."""
    py, pythonpath, skill_name = (shlex.quote(v) for v in (python, str(root), name))
    commands = "|".join(SKILL_COMMANDS)
    return f"""#!/bin/sh
# Installed by `vidskill install`: runs vidskill on the skill in the folder above this one.
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd) || exit 1
PYTHONPATH={pythonpath}${{PYTHONPATH:+:$PYTHONPATH}}
export PYTHONPATH
case "${{1:-}}" in
  {commands})
    command=$1
    shift
    # `--skill {name}` (as the SKILL.md says) means this folder's copy, so the headers tell
    # which host the skill was installed for.
    left=$#
    while [ "$left" -gt 0 ]; do
      arg=$1
      shift
      left=$((left - 1))
      if [ "$arg" = --skill ] && [ "$left" -gt 0 ] && [ "$1" = {skill_name} ]; then
        shift
        left=$((left - 1))
        set -- "$@" --skill "$here"
      elif [ "$arg" = --skill={skill_name} ]; then
        set -- "$@" --skill "$here"
      else
        set -- "$@" "$arg"
      fi
    done
    exec {py} -m vidskill "$command" --skill "$here" "$@"
    ;;
esac
exec {py} -m vidskill "$@"
"""


def plan(
    target: str,
    name: str,
    skill_text: str,
    *,
    home: Path,
    project: Path | None,
    python: str,
    root: Path,
) -> Plan:
    """The folder and files installing the skill `name` for `target` takes."""
    folder = folder_for(target, name, home=home, project=project)
    files = (
        PlannedFile("SKILL.md", skill_text),
        PlannedFile(LAUNCHER, launcher(python, root, name), 0o755),
    )
    return Plan(target, name, folder, files)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of an install in `folder`, or None when vidskill did not install it."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return None
    return data


def owned_files(manifest: dict[str, Any]) -> list[str]:
    """The manifest's files that are plain relative paths inside the folder; others are ignored."""
    owned = []
    for item in manifest.get("files", []):
        if not isinstance(item, str):
            continue
        path = PurePosixPath(item)
        if item and not path.is_absolute() and ".." not in path.parts and "\\" not in item:
            owned.append(item)
    return owned


def apply(chosen: Plan, *, force: bool = False) -> Outcome:
    """Write the plan's files; refuse a non-empty folder vidskill did not create unless `force`."""
    folder = chosen.folder
    previous = read_manifest(folder)
    if previous is None and folder.is_dir() and any(folder.iterdir()) and not force:
        raise VidskillError(
            f"{folder} already exists and was not installed by vidskill; move it away, or run "
            "again with --force to overwrite its SKILL.md and bin/vidskill"
        )
    steps = [_write(folder, planned) for planned in chosen.files]
    wanted = {f.path for f in chosen.files} | {MANIFEST}
    stale = [p for p in owned_files(previous or {}) if p not in wanted]
    steps += [_delete(folder, path) for path in stale]
    manifest = json.dumps(chosen.manifest(), indent=2) + "\n"
    steps.append(_write(folder, PlannedFile(MANIFEST, manifest)))
    _prune(folder, stale)
    return Outcome("install", chosen.target, chosen.name, str(folder), tuple(steps))


def remove(target: str, name: str, folder: Path) -> Outcome:
    """Delete the files the manifest in `folder` lists, then the folders they leave empty."""
    manifest = read_manifest(folder)
    if manifest is None:
        where = "does not exist" if not folder.exists() else "was not installed by vidskill"
        raise VidskillError(f"nothing to uninstall: {folder} {where}")
    owned = [p for p in owned_files(manifest) if p != MANIFEST] + [MANIFEST]
    steps = tuple(_delete(folder, path) for path in owned)
    _prune(folder, owned)
    return Outcome("uninstall", target, name, str(folder), steps)


def _write(folder: Path, planned: PlannedFile) -> Step:
    path = folder / planned.path
    data = planned.text.encode("utf-8")
    try:
        old = path.read_bytes() if path.is_file() else None
    except OSError:
        old = None
    if old == data and (path.stat().st_mode & 0o777) == planned.mode:
        return Step("unchanged", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.chmod(planned.mode)
    tmp.replace(path)
    return Step("created" if old is None else "updated", str(path))


def _delete(folder: Path, relative: str) -> Step:
    path = folder / relative
    if not path.is_file() and not path.is_symlink():
        return Step("missing", str(path))
    path.unlink()
    return Step("removed", str(path))


def _prune(folder: Path, relatives: list[str]) -> None:
    """Remove the folders of removed files, deepest first, while they are empty."""
    parents = {parent for r in relatives for parent in (folder / r).parents}
    candidates = [p for p in parents if p == folder or folder in p.parents]
    for path in sorted(candidates, key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
