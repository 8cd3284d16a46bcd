"""The Skill value: what a SKILL.md says, resolved against the environment.

`from_text` is pure: it takes the text, the file's path and an environment mapping. `load` and
`resolve` read files. Runtime settings of a skill live under `metadata.vidskill` in the
frontmatter; `metadata.openclaw` is what host agents read. The three attribution headers of
PROTOCOL.md §1 come from `Skill.headers()`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any

import vidskill
from vidskill import frontmatter
from vidskill import skill_fields as read
from vidskill.errors import SkillError, SkillValidationError
from vidskill.skill_fields import (
    COMMON_FORMATS,
    HOSTED_API,
    HOSTED_WEB,
    MB,
    Texts,
    redact_url,
)

__all__ = [
    "COMMON_FORMATS",
    "HOSTED_API",
    "HOSTED_WEB",
    "MB",
    "ROOT",
    "Skill",
    "Texts",
    "bundled",
    "detect_platform",
    "from_text",
    "load",
    "locate",
    "redact_url",
    "resolve",
]

ROOT = Path(vidskill.__file__).resolve().parent.parent
# X-Skill-Platform by install folder under the home folder (PROTOCOL.md §1).
PLATFORM_DIRS = (("clawhub", (".clawhub",)), ("cursor", (".cursor", "skills")))


@dataclass(frozen=True)
class Skill:
    """A SKILL.md resolved against an environment: identity, backend, limits and words."""

    name: str
    version: str
    description: str
    display_name: str
    api_base: str
    web_base: str
    max_upload_bytes: int
    formats: tuple[str, ...]
    greeting: str
    examples: tuple[str, ...]
    tips: tuple[str, ...]
    settings: Mapping[str, Any]
    path: str | None
    platform: str
    homepage: str = ""
    emoji: str = "🎬"
    language: str | None = None
    poll_interval_s: float = 30.0
    poll_max: int = 10
    translations: Mapping[str, Texts] = field(default_factory=lambda: MappingProxyType({}))

    def headers(self) -> dict[str, str]:
        """The three attribution headers every request carries."""
        return {
            "X-Skill-Source": self.name,
            "X-Skill-Version": self.version,
            "X-Skill-Platform": self.platform,
        }

    def texts(self, language: str) -> Texts:
        """The greeting, examples and tips in a language ("zh-CN", "zh", ...), else the default."""
        primary = language.split("-")[0].lower()
        exact = {k.lower(): t for k, t in self.translations.items()}
        near = {k.split("-")[0].lower(): t for k, t in self.translations.items()}
        found = exact.get(language.lower()) or near.get(primary)
        return found or Texts(self.greeting, self.examples, self.tips)

    def accepts(self, filename: str) -> bool:
        """Whether a file name has an extension this skill accepts."""
        return PurePath(filename).suffix.lower().lstrip(".") in self.formats

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view of every resolved field and the headers (no secrets in it)."""
        data = {f.name: _plain(getattr(self, f.name)) for f in fields(self)}
        data["api_base"] = redact_url(self.api_base)
        data["web_base"] = redact_url(self.web_base)
        data["headers"] = self.headers()
        return data


def from_text(
    text: str,
    *,
    path: str | None,
    env: Mapping[str, str],
    realpath: Callable[[str], str] | None = None,
) -> Skill:
    """Build a Skill from SKILL.md text; `realpath` (default: none) resolves symlinks."""
    meta, _body = frontmatter.parse(text, path=path)
    where = path or "<text>"
    name = read.name(meta.get("name"), where)
    metadata = read.mapping(meta.get("metadata"), "metadata", where)
    openclaw = read.mapping(metadata.get("openclaw"), "metadata.openclaw", where)
    settings = read.mapping(metadata.get("vidskill"), "metadata.vidskill", where)
    display_name = read.text(meta.get("displayName"), "displayName", where) or read.title(name)
    texts = read.words(settings, "metadata.vidskill", where, read.default_words(display_name))
    return Skill(
        name=name,
        version=read.version(meta.get("version"), where),
        description=read.description(meta.get("description"), where),
        display_name=display_name,
        api_base=read.base_url(env.get("NEMO_API_URL"), meta.get("apiDomain"), HOSTED_API, where),
        web_base=read.base_url(env.get("NEMO_WEB_URL"), meta.get("webDomain"), HOSTED_WEB, where),
        max_upload_bytes=read.max_upload(settings.get("max_upload_mb"), where),
        formats=read.formats(settings.get("formats"), where),
        greeting=texts.greeting,
        examples=texts.examples,
        tips=texts.tips,
        settings=MappingProxyType(dict(settings)),
        path=path,
        platform=detect_platform(path, env, realpath=realpath),
        homepage=read.text(meta.get("homepage"), "homepage", where),
        emoji=read.text(openclaw.get("emoji"), "metadata.openclaw.emoji", where) or "🎬",
        language=read.language(settings.get("language"), where),
        poll_interval_s=float(
            read.number(settings.get("poll_interval_s"), 30.0, "poll_interval_s", where)
        ),
        poll_max=int(read.number(settings.get("poll_max"), 10, "poll_max", where, whole=True)),
        translations=MappingProxyType(read.translations(settings.get("i18n"), where, texts)),
    )


def load(path: str | Path, env: Mapping[str, str] | None = None) -> Skill:
    """Read a SKILL.md file and build its Skill."""
    env = os.environ if env is None else env
    absolute = os.path.abspath(path)
    text = frontmatter.read_text(absolute)
    return from_text(text, path=absolute, env=env, realpath=os.path.realpath)


def bundled() -> list[str]:
    """The names of the skills shipped in `skills/`."""
    folder = ROOT / "skills"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / "SKILL.md").is_file())


def resolve(name_or_path: str | None, env: Mapping[str, str] | None = None) -> Skill:
    """Load a skill by bundled name, folder or SKILL.md path; None means vidskill's own skill."""
    env = os.environ if env is None else env
    return load(locate(name_or_path, env), env)


def locate(name_or_path: str | None, env: Mapping[str, str]) -> Path:
    """The SKILL.md file a `--skill` value names."""
    if name_or_path is None or name_or_path == "vidskill":
        return ROOT / "SKILL.md"
    if (
        read.NAME.fullmatch(name_or_path)
        and (ROOT / "skills" / name_or_path / "SKILL.md").is_file()
    ):
        return ROOT / "skills" / name_or_path / "SKILL.md"
    candidate = Path(_expand_home(name_or_path, env))
    if candidate.is_dir():
        if not (candidate / "SKILL.md").is_file():
            raise SkillError(f"{candidate}: this folder has no SKILL.md")
        return candidate / "SKILL.md"
    if candidate.is_file():
        return candidate
    names = ", ".join(["vidskill", *bundled()])
    raise SkillError(
        f"unknown skill {name_or_path!r}: not a bundled skill ({names}), "
        "nor a folder holding a SKILL.md, nor a SKILL.md file"
    )


def detect_platform(
    path: str | None,
    env: Mapping[str, str],
    *,
    realpath: Callable[[str], str] | None = None,
) -> str:
    """X-Skill-Platform: SKILL_SOURCE, else clawhub or cursor by install folder, else unknown."""
    source = env.get("SKILL_SOURCE", "").strip()
    if source:
        if not read.TOKEN.fullmatch(source):
            raise SkillValidationError(
                f"SKILL_SOURCE {source!r} must be 1-64 letters, digits, '.', '_', '+' or '-'"
            )
        return source
    home = env.get("HOME")
    if not path or not home:
        return "unknown"
    # Both the path as given and its real path count: an install may be a symlink into the
    # home folder, and the home folder itself may sit behind a symlink.
    real = realpath or (lambda p: p)
    paths = {PurePath(os.path.normpath(p)) for p in (path, real(path))}
    homes = {PurePath(os.path.normpath(h)) for h in (home, real(home))}
    for platform, parts in PLATFORM_DIRS:
        bases = [h.joinpath(*parts) for h in homes]
        if any(p.is_relative_to(b) and p != b for p in paths for b in bases):
            return platform
    return "unknown"


def _expand_home(value: str, env: Mapping[str, str]) -> str:
    home = env.get("HOME")
    if home and (value == "~" or value.startswith("~/")):
        return home + value[1:]
    return value


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)  # dates and bytes YAML may produce
