"""Check a SKILL.md against the Agent Skills spec and what hosts expect, as a list of findings.

Every check is a small function from a `Subject` (the file's text, parsed once, and the
environment) to findings, each with a level, a message and a hint saying how to fix it. The
checks are pure: what they need from the machine (`which`, `realpath`) is handed in. The backend
and token checks, which look at the network and the token cache, are in `vidskill doctor`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any, Literal
from urllib.parse import urlsplit

from vidskill import frontmatter
from vidskill import skill as skills
from vidskill import skill_fields as read
from vidskill.errors import SkillError

Level = Literal["ok", "warn", "fail"]
Which = Callable[[str], str | None]
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KNOWN_FORMATS = frozenset({*read.COMMON_FORMATS, "heic", "txt", "docx"})
LARGEST_UPLOAD_MB = 2048


@dataclass(frozen=True)
class Finding:
    """One result of a check: ok, a warning or a failure, with a hint to fix it."""

    level: Level
    check: str
    message: str
    fix: str = ""

    def to_json(self) -> dict[str, str]:
        """A JSON-ready view."""
        return {"level": self.level, "check": self.check, "message": self.message, "fix": self.fix}


@dataclass(frozen=True)
class Subject:
    """A SKILL.md as the checks see it: its text parsed once, its folder and the environment."""

    path: str
    text: str | None
    env: Mapping[str, str]
    which: Which
    own_root: bool = False
    realpath: Callable[[str], str] | None = None
    meta: dict[str, Any] | None = None
    problem: str = ""
    openclaw: dict[str, Any] = field(default_factory=dict)


def subject(
    path: str,
    text: str | None,
    env: Mapping[str, str],
    which: Which,
    *,
    own_root: bool = False,
    realpath: Callable[[str], str] | None = None,
    unreadable: str = "the file cannot be read",
) -> Subject:
    """Parse the text once for every check; `text` None means the file could not be read."""
    base = Subject(path, text, env, which, own_root, realpath)
    if text is None:
        return replace(base, problem=unreadable)
    try:
        meta, _body = frontmatter.parse(text, path=path)
    except SkillError as exc:
        return replace(base, problem=str(exc))
    metadata = meta.get("metadata")
    openclaw = metadata.get("openclaw") if isinstance(metadata, dict) else None
    return replace(base, meta=meta, openclaw=openclaw if isinstance(openclaw, dict) else {})


def check_frontmatter(s: Subject) -> list[Finding]:
    """The file starts with YAML frontmatter that parses."""
    if s.meta is not None:
        return [Finding("ok", "frontmatter", "the frontmatter parses")]
    fix = "start the file with '---', YAML keys (name, version, description, metadata), '---'"
    if "metadata" in s.problem:
        fix = "write metadata as a YAML mapping, or as one line of valid JSON"
    return [Finding("fail", "frontmatter", s.problem, fix)]


def check_name(s: Subject) -> list[Finding]:
    """`name` follows the naming rules and matches its folder."""
    if s.meta is None:
        return []
    try:
        name = read.name(s.meta.get("name"), s.path)
    except SkillError as exc:
        return [Finding("fail", "name", str(exc), "use lowercase letters, digits and hyphens")]
    folder = PurePath(s.path).parent.name
    if s.own_root or folder == name:
        return [Finding("ok", "name", f"name {name!r} is valid")]
    return [
        Finding(
            "fail",
            "name",
            f"name {name!r} does not match the folder {folder!r}",
            f"rename the folder to {name!r}, or set `name: {folder}`",
        )
    ]


def check_description(s: Subject) -> list[Finding]:
    """`description` is present and at most 1024 characters."""
    if s.meta is None:
        return []
    try:
        text = read.description(s.meta.get("description"), s.path)
    except SkillError as exc:
        fix = "say in at most 1024 characters what the skill does and when to use it"
        return [Finding("fail", "description", str(exc), fix)]
    return [Finding("ok", "description", f"{len(text)} characters")]


def check_version(s: Subject) -> list[Finding]:
    """`version` is present and is text such as "1.0.0"."""
    if s.meta is None:
        return []
    try:
        version = read.version(s.meta.get("version"), s.path)
    except SkillError as exc:
        return [Finding("fail", "version", str(exc), 'add `version: "1.0.0"`')]
    return [Finding("ok", "version", version)]


def check_openclaw(s: Subject) -> list[Finding]:
    """`metadata.openclaw` is present, with an emoji."""
    if s.meta is None:
        return []
    if not s.openclaw:
        fix = 'add `metadata: {"openclaw": {"emoji": "🎬", "requires": {"bins": [], "env": []}}}`'
        return [Finding("fail", "openclaw", "metadata.openclaw is missing or not a mapping", fix)]
    emoji = s.openclaw.get("emoji")
    if not isinstance(emoji, str) or not emoji.strip():
        return [Finding("warn", "openclaw", "metadata.openclaw has no emoji", "add `emoji: 🎬`")]
    return [Finding("ok", "openclaw", f"emoji {emoji}")]


def check_requires(s: Subject) -> list[Finding]:
    """`requires.bins` are on PATH and `requires.env` is declared (an empty list is fine)."""
    if not s.openclaw:
        return []
    requires = s.openclaw.get("requires")
    if not isinstance(requires, dict):
        fix = "add `requires: {bins: [python3], env: []}` under metadata.openclaw"
        return [Finding("warn", "requires", "metadata.openclaw.requires is missing", fix)]
    return _bins(s, requires.get("bins")) + _env(s, requires.get("env"))


def _bins(s: Subject, bins: object) -> list[Finding]:
    if bins is None:
        bins = []
    if not isinstance(bins, list) or not all(isinstance(b, str) for b in bins):
        return [
            Finding("fail", "requires.bins", "must be a list of program names", "e.g. [python3]")
        ]
    missing = [b for b in bins if s.which(b) is None]
    if missing:
        fix = f"install {', '.join(missing)} or put it on PATH"
        return [Finding("fail", "requires.bins", f"not found on PATH: {', '.join(missing)}", fix)]
    return [Finding("ok", "requires.bins", f"on PATH: {', '.join(bins) or 'nothing needed'}")]


def _env(s: Subject, names: object) -> list[Finding]:
    if names is None:
        fix = "declare the variables the skill needs (`env: []` when none)"
        return [Finding("warn", "requires.env", "requires.env is not declared", fix)]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return [Finding("fail", "requires.env", "must be a list of variable names", "e.g. []")]
    unset = [n for n in names if not s.env.get(n)]
    if unset:
        fix = f"set {', '.join(unset)} in the environment"
        return [Finding("warn", "requires.env", f"not set: {', '.join(unset)}", fix)]
    return [Finding("ok", "requires.env", f"declared: {', '.join(names) or 'none needed'}")]


def check_primary_env(s: Subject) -> list[Finding]:
    """`primaryEnv` names the variable holding the user's key."""
    if not s.openclaw:
        return []
    value = s.openclaw.get("primaryEnv")
    if value is None:
        fix = "add `primaryEnv: NEMO_TOKEN` under metadata.openclaw"
        return [Finding("warn", "primaryEnv", "metadata.openclaw.primaryEnv is missing", fix)]
    if not isinstance(value, str) or not ENV_NAME.fullmatch(value):
        return [Finding("fail", "primaryEnv", f"{value!r} is not a variable name", "NEMO_TOKEN")]
    return [Finding("ok", "primaryEnv", value)]


def check_homepage(s: Subject) -> list[Finding]:
    """`homepage` is an https URL."""
    if s.meta is None:
        return []
    value = s.meta.get("homepage")
    if value is None:
        return [Finding("warn", "homepage", "no homepage", "add `homepage: https://...`")]
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme != "https" or not parts.netloc:
        fix = "use an https:// address"
        return [Finding("fail", "homepage", f"{value!r} is not an https URL", fix)]
    return [Finding("ok", "homepage", value)]


def check_headers(s: Subject) -> list[Finding]:
    """The skill resolves, so every request can carry the three attribution headers."""
    if s.meta is None or s.text is None:
        return []
    try:
        found = skills.from_text(s.text, path=s.path, env=s.env, realpath=s.realpath)
    except SkillError as exc:
        return [Finding("fail", "headers", str(exc), "fix the field the message names")]
    shown = ", ".join(f"{k}: {v}" for k, v in found.headers().items())
    return [Finding("ok", "headers", shown)]


def check_limits(s: Subject) -> list[Finding]:
    """The upload limit and formats under `metadata.vidskill` are ones the backend takes."""
    metadata = s.meta.get("metadata") if s.meta else None
    settings = metadata.get("vidskill") if isinstance(metadata, dict) else None
    if not isinstance(settings, dict):
        return []
    try:
        limit = read.max_upload(settings.get("max_upload_mb"), s.path) // read.MB
        formats = read.formats(settings.get("formats"), s.path)
    except SkillError as exc:
        return [Finding("fail", "limits", str(exc), "fix max_upload_mb or formats")]
    findings = []
    if limit > LARGEST_UPLOAD_MB:
        fix = "the hosted backend takes 500 MB at most"
        findings.append(Finding("warn", "limits", f"max_upload_mb {limit} is very large", fix))
    unknown = [f for f in formats if f not in KNOWN_FORMATS]
    if unknown:
        fix = f"list only formats the backend takes: {', '.join(sorted(KNOWN_FORMATS))}"
        findings.append(Finding("warn", "formats", f"unknown formats: {', '.join(unknown)}", fix))
    return findings or [Finding("ok", "limits", f"{limit} MB per file, {len(formats)} formats")]


CHECKS: tuple[Callable[[Subject], list[Finding]], ...] = (
    check_frontmatter,
    check_name,
    check_description,
    check_version,
    check_openclaw,
    check_requires,
    check_primary_env,
    check_homepage,
    check_headers,
    check_limits,
)


def check_file(s: Subject) -> list[Finding]:
    """Every check of the file, in order."""
    return [finding for check in CHECKS for finding in check(s)]
