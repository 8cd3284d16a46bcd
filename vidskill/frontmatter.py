"""Split a SKILL.md into its YAML frontmatter and its Markdown body.

A SKILL.md starts with a line `---`, then YAML, then another `---`. The YAML is read with
`yaml.safe_load` only. The `metadata` key may also be one line of JSON (the OpenClaw style
`metadata: {"openclaw": {...}}`); such a line is read with `json.loads`, which handles what YAML
reads differently (escaped surrogate pairs, for one). Every problem is a `FrontmatterError`
naming the file and the line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from vidskill.errors import FrontmatterError, SkillError

FENCE = "---"
_JSON_METADATA = re.compile(r"^metadata[ \t]*:[ \t]*(\{.*)$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LEAVES = (str, int, float, bool, type(None), bytes)
_KINDS = {type(None): "nothing", list: "a list", str: "a line of text", int: "a number"}


def parse(text: str, *, path: str | None = None) -> tuple[dict[str, Any], str]:
    """Split SKILL.md text into (frontmatter mapping, body); raise FrontmatterError on problems."""
    lines = _lines(text)
    if not lines or lines[0].rstrip() != FENCE:
        raise FrontmatterError(
            "no frontmatter: a SKILL.md must start with a line '---', then YAML, then '---'",
            path=path,
            line=1,
        )
    close = _closing_line(lines)
    if close is None:
        raise FrontmatterError(
            "unclosed frontmatter: the '---' on line 1 has no closing '---' line",
            path=path,
            line=1,
        )
    yaml_lines = lines[1:close]
    data = _load_yaml(yaml_lines, path)
    _check_tree(data, yaml_lines, path)
    return data, "\n".join(lines[close + 1 :])


def load(path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a SKILL.md file and parse it."""
    return parse(read_text(path), path=str(path))


def read_text(path: str | Path) -> str:
    """Read a SKILL.md file as UTF-8 text; raise SkillError if it cannot be read."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SkillError(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise FrontmatterError("the file is not UTF-8 text", path=str(path), line=line) from exc


def _lines(text: str) -> list[str]:
    # Only CR and LF break lines, as in YAML; str.splitlines would also split on form feeds and
    # Unicode separators and so disagree with the line numbers YAML reports.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n") if text else []


def _closing_line(lines: list[str]) -> int | None:
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FENCE:
            return index
    return None


def _load_yaml(yaml_lines: list[str], path: str | None) -> dict[str, Any]:
    json_values: dict[int, Any] = {}
    lines = list(yaml_lines)
    for index, line in enumerate(lines):
        value = _json_metadata(line)
        if value is not None:
            json_values[index] = value
            lines[index] = "metadata: null"
    try:
        data = yaml.safe_load("\n".join(lines) + "\n")
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, yaml_lines, path) from exc
    except Exception as exc:
        # PyYAML's constructors raise assorted built-in errors on odd values (`2024-13-45`,
        # `!!int` with nothing after it, deep nesting): all mean the frontmatter cannot be read.
        raise FrontmatterError(
            f"invalid value in the frontmatter: {str(exc) or type(exc).__name__}", path=path, line=2
        ) from exc
    if not isinstance(data, dict):
        kind = _KINDS.get(type(data), type(data).__name__)
        raise FrontmatterError(
            f"the frontmatter must be a mapping of keys to values (`name: ...`), got {kind}",
            path=path,
            line=2,
        )
    if json_values and data.get("metadata") is None:
        # The placeholder still stands, so a JSON line was the last `metadata` key, as YAML reads.
        data["metadata"] = json_values[max(json_values)]
    return data


def _json_metadata(line: str) -> dict[str, Any] | None:
    match = _JSON_METADATA.match(line)
    if match is None:
        return None
    try:
        value = json.loads(match.group(1))
    except (ValueError, RecursionError):
        return None  # not JSON: YAML reads the line (a flow mapping) or reports it
    return value if isinstance(value, dict) else None


def _yaml_error(exc: yaml.YAMLError, yaml_lines: list[str], path: str | None) -> FrontmatterError:
    index = _error_index(exc, yaml_lines)
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"invalid YAML: {context}, {problem}" if context else f"invalid YAML: {problem}"
    if index < len(yaml_lines) and _JSON_METADATA.match(yaml_lines[index]):
        message += " (metadata must be a YAML mapping or one line of valid JSON)"
    return FrontmatterError(message, path=path, line=index + 2)


def _error_index(exc: yaml.YAMLError, yaml_lines: list[str]) -> int:
    """The 0-based line of the YAML text where the error is."""
    problem = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    if problem is not None and (problem.line >= len(yaml_lines) - 1) and context is not None:
        # Something left open until the end (a quote, a bracket): where it opened helps more.
        return int(context.line)
    mark = problem or context
    if mark is not None:
        return int(mark.line)
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        return "\n".join(yaml_lines).count("\n", 0, position)
    return 0


def _check_tree(data: dict[str, Any], yaml_lines: list[str], path: str | None) -> None:
    """Refuse what a SKILL.md never needs and later steps cannot print or serialise."""
    seen: set[int] = set()  # one set for the whole tree: an alias may cross top-level keys
    for key, value in data.items():
        if not isinstance(key, str):
            raise FrontmatterError(
                f"key {key!r} must be text", path=path, line=_key_line(key, yaml_lines)
            )
        try:
            problem = _tree_problem(value, seen)
        except RecursionError:
            problem = "is nested too deeply"
        if _SURROGATE.search(key):
            problem = "the key holds an invalid escaped character (a lone surrogate)"
        if problem:
            raise FrontmatterError(f"{key}: {problem}", path=path, line=_key_line(key, yaml_lines))


def _tree_problem(value: Any, seen: set[int]) -> str | None:
    if isinstance(value, str):
        has_surrogate = _SURROGATE.search(value) is not None
        return "holds an invalid escaped character (a lone surrogate)" if has_surrogate else None
    if isinstance(value, _LEAVES) or hasattr(value, "isoformat"):
        return None
    if not isinstance(value, (dict, list)):
        return f"holds a {type(value).__name__}, which a SKILL.md cannot use"
    if id(value) in seen:
        return "uses a YAML alias to repeat or nest a value; write the value out instead"
    seen.add(id(value))
    if isinstance(value, list):
        items: list[Any] = value
    else:
        if any(not isinstance(key, str) for key in value):
            return "has a mapping key that is not text"
        items = [*value.keys(), *value.values()]
    for item in items:
        problem = _tree_problem(item, seen)
        if problem:
            return problem
    return None


def _key_line(key: object, yaml_lines: list[str]) -> int:
    """The file line of a top-level key, or the first frontmatter line when it cannot be found."""
    pattern = re.compile(rf"^[\"']?{re.escape(str(key))}[\"']?[ \t]*:")
    for index, line in enumerate(yaml_lines):
        if pattern.match(line):
            return index + 2
    return 2
