"""Read and check the values of SKILL.md frontmatter fields, each with a clear error.

Every reader takes the raw value and `where` (the file, for messages) and returns a clean value
or raises `SkillValidationError` saying what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from vidskill.errors import SkillValidationError

HOSTED_API = "https://mega-api-prod.nemovideo.ai"
HOSTED_WEB = "https://nemovideo.com"
MB = 1024 * 1024
DEFAULT_MAX_UPLOAD_MB = 500
# PROTOCOL.md §2: what every skill accepts; heic, txt and docx only where a skill lists them.
COMMON_FORMATS = (
    *("mp4", "mov", "avi", "webm", "mkv"),
    *("jpg", "jpeg", "png", "gif", "webp"),
    *("mp3", "wav", "m4a", "aac"),
)
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
FORMAT = re.compile(r"[a-z0-9]{1,10}")
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class Texts:
    """The words a skill shows a user in one language: greeting, "try saying" examples, tips."""

    greeting: str
    examples: tuple[str, ...]
    tips: tuple[str, ...]


def redact_url(url: str) -> str:
    """The URL with any user name and password in it masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    _userinfo, at, hostport = parts.netloc.rpartition("@")
    if not at:
        return url
    return urlunsplit(parts._replace(netloc=f"***@{hostport}"))


def name(value: object, where: str) -> str:
    """The skill's name: 1-64 characters of a-z, 0-9 and single hyphens."""
    if value is None:
        raise SkillValidationError(f"{where}: the frontmatter needs a `name`")
    if not isinstance(value, str) or not NAME.fullmatch(value) or len(value) > 64:
        raise SkillValidationError(
            f"{where}: name {value!r} must be 1-64 characters of a-z, 0-9 and single hyphens, "
            "not starting or ending with a hyphen (for example `my-video-skill`)"
        )
    return value


def version(value: object, where: str) -> str:
    """The skill's version as text (a YAML number such as `1.0` becomes "1.0")."""
    if value is None:
        raise SkillValidationError(f'{where}: the frontmatter needs a `version` (e.g. "1.0.0")')
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # quoting keeps "1.10" as written; YAML would read 1.10 as 1.1
    if not isinstance(value, str) or not TOKEN.fullmatch(value):
        raise SkillValidationError(
            f'{where}: version {value!r} must be text like "1.0.0": 1-64 letters, digits, '
            "'.', '_', '+' or '-', no spaces"
        )
    return value


def description(value: object, where: str) -> str:
    """The skill's description: present and at most 1024 characters."""
    if not isinstance(value, str) or not value.strip():
        raise SkillValidationError(
            f"{where}: the frontmatter needs a `description` saying what the skill does "
            "and when to use it"
        )
    stripped = value.strip()
    if len(stripped) > 1024:
        raise SkillValidationError(
            f"{where}: description has {len(stripped)} characters; at most 1024 are allowed"
        )
    return stripped


def text(value: object, key: str, where: str) -> str:
    """An optional text field, stripped; empty when absent."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SkillValidationError(f"{where}: {key} must be text, got {type(value).__name__}")
    return value.strip()


def text_list(value: object, key: str, where: str) -> tuple[str, ...]:
    """An optional list of texts, stripped, blanks left out."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SkillValidationError(f"{where}: {key} must be a list of texts")
    return tuple(v.strip() for v in value if v.strip())


def mapping(value: object, key: str, where: str) -> dict[str, Any]:
    """An optional mapping; empty when absent."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SkillValidationError(f"{where}: {key} must be a mapping, got {type(value).__name__}")
    return value


def words(entry: Mapping[str, Any], key: str, where: str, default: Texts) -> Texts:
    """Greeting, examples and tips from one mapping; what it leaves out comes from `default`."""
    return Texts(
        greeting=text(entry.get("greeting"), f"{key}.greeting", where) or default.greeting,
        examples=text_list(entry.get("examples"), f"{key}.examples", where) or default.examples,
        tips=text_list(entry.get("tips"), f"{key}.tips", where) or default.tips,
    )


def default_words(display_name: str) -> Texts:
    """What a skill that says nothing of its own greets with."""
    greeting = f"Ready to make videos with {display_name}. Send files or describe the video."
    return Texts(greeting=greeting, examples=(), tips=())


def translations(value: object, where: str, default: Texts) -> dict[str, Texts]:
    """`metadata.vidskill.i18n`: language code -> greeting, examples and tips in that language."""
    result: dict[str, Texts] = {}
    for code, entry in mapping(value, "metadata.vidskill.i18n", where).items():
        key = f"metadata.vidskill.i18n.{code}"
        if not LANGUAGE.fullmatch(code):
            raise SkillValidationError(f"{where}: {key}: {code!r} is not a language code")
        result[code] = words(mapping(entry, key, where), key, where, default)
    return result


def base_url(from_env: str | None, from_file: object, default: str, where: str) -> str:
    """A backend or web base URL: the environment's, else the frontmatter's, else `default`."""
    source, value = ("environment", from_env) if from_env else ("frontmatter", from_file)
    if not value:
        return default
    if not isinstance(value, str):
        raise SkillValidationError(f"{where}: the backend URL must be text, got {value!r}")
    result = value.strip().rstrip("/")
    if "://" not in result:
        result = "https://" + result
    try:
        parts = urlsplit(result)
        hostname = parts.hostname
    except ValueError:  # e.g. a broken IPv6 literal
        hostname = None
    if not hostname or parts.scheme not in ("http", "https") or " " in result:
        raise SkillValidationError(
            f"{where}: {redact_url(result)!r} (from the {source}) is not an http(s) URL "
            "like https://mega-api-prod.nemovideo.ai"
        )
    return result


def number(value: object, default: float, key: str, where: str, *, whole: bool = False) -> float:
    """A positive number setting under metadata.vidskill; `default` when absent."""
    if value is None:
        return default
    amount = 0.0  # a bool or a non-number is refused below
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        amount = float(value)
    if 0 < amount < 10**9 and (not whole or amount.is_integer()):
        return amount
    kind = "a positive whole number" if whole else "a positive number"
    raise SkillValidationError(f"{where}: metadata.vidskill.{key} must be {kind}, got {value!r}")


def max_upload(value: object, where: str) -> int:
    """`max_upload_mb` in bytes (1 MB = 1,048,576 bytes)."""
    megabytes = number(value, DEFAULT_MAX_UPLOAD_MB, "max_upload_mb", where)
    return int(megabytes * MB)


def formats(value: object, where: str) -> tuple[str, ...]:
    """The skill's best formats first, then the common ones of PROTOCOL.md §2."""
    best: list[str] = []
    for item in text_list(value, "metadata.vidskill.formats", where):
        extension = item.lower().lstrip(".")
        if not FORMAT.fullmatch(extension):
            raise SkillValidationError(
                f"{where}: metadata.vidskill.formats: {item!r} is not a file extension like mp4"
            )
        best.append(extension)
    return tuple(dict.fromkeys([*best, *COMMON_FORMATS]))


def language(value: object, where: str) -> str | None:
    """The session language a skill fixes, or None to detect it from the first message."""
    if value is None:
        return None
    if not isinstance(value, str) or not LANGUAGE.fullmatch(value):
        raise SkillValidationError(
            f"{where}: metadata.vidskill.language must be a language code like en or zh-CN"
        )
    return value


def title(skill_name: str) -> str:
    """A display name made from a skill name: `ai-product-video` -> `Ai Product Video`."""
    return " ".join(word.capitalize() for word in skill_name.split("-"))
