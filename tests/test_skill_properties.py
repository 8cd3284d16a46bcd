"""Property tests: SKILL.md parsing never fails with anything but the project's own errors."""

from __future__ import annotations

import json
import math
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vidskill import frontmatter, skill
from vidskill.errors import FrontmatterError, SkillError

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of YAML and Markdown that reach the parser's corners when strung together at random.
FRAGMENTS = [
    "---",
    "...",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "  ",
    ":",
    ": ",
    "- ",
    "? ",
    "#",
    "&a ",
    "*a",
    "!!python/object:os.system",
    "!!binary",
    "!!set",
    "!!int",
    "!!float",
    "!!timestamp",
    "|",
    ">-",
    "{",
    "}",
    "[",
    "]",
    ",",
    '"',
    "'",
    "\\",
    "\\ud83c",
    "\\x00",
    "\x00",
    "\ufeff",
    "\u2028",
    "\x85",
    "name",
    "version",
    "description",
    "metadata",
    "openclaw",
    "vidskill",
    "apiDomain",
    "max_upload_mb",
    "formats",
    "i18n",
    "zh-CN",
    "2024-13-45",
    "0x",
    "1e999",
    ".nan",
    "-5",
    "true",
    "null",
    "~",
    "<<",
    "demo-skill",
    "1.0.0",
    '{"openclaw":{"emoji":"x"}}',
    "导出",
]
yamlish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map(
    "".join
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELD_NAMES = [
    "name",
    "version",
    "description",
    "displayName",
    "homepage",
    "apiDomain",
    "webDomain",
    "metadata",
]
SETTING_NAMES = [
    "max_upload_mb",
    "formats",
    "greeting",
    "examples",
    "tips",
    "poll_interval_s",
    "poll_max",
    "language",
    "i18n",
]
skill_names = st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}", fullmatch=True)


def fenced(body: str) -> str:
    return f"---\n{body}\n---\nBody\n"


def only_project_errors(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Run `call`; any exception it raises must be one of the project's SKILL.md errors."""
    try:
        return call(*args, **kwargs)
    except SkillError:
        return None


@PROPERTY
@given(st.text())
def test_parse_arbitrary_text(text: str) -> None:
    only_project_errors(frontmatter.parse, text, path="x.md")


@PROPERTY
@given(yamlish)
def test_parse_yamlish_frontmatter(body: str) -> None:
    try:
        metadata, _ = frontmatter.parse(fenced(body), path="x.md")
    except FrontmatterError as exc:
        assert exc.line is not None and exc.line >= 1
        assert str(exc).startswith(f"x.md:{exc.line}: ")
    else:
        json.dumps(metadata, default=str)  # the tree is printable and serialisable


@PROPERTY
@given(st.dictionaries(st.text(max_size=10), json_values, max_size=5), st.booleans())
def test_one_line_json_metadata_reads_back_exactly(value: dict[str, Any], ascii_only: bool) -> None:
    line = json.dumps(value, ensure_ascii=ascii_only)
    metadata, body = frontmatter.parse(f"---\nname: a\nmetadata: {line}\n---\nBody")
    assert metadata == {"name": "a", "metadata": value}
    assert body == "Body"


@PROPERTY
@given(st.text())
def test_from_text_arbitrary_text(text: str) -> None:
    only_project_errors(skill.from_text, text, path=None, env={})


@PROPERTY
@given(yamlish)
def test_from_text_yamlish(body: str) -> None:
    only_project_errors(skill.from_text, fenced(body), path="SKILL.md", env={})


@PROPERTY
@given(
    st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=8),
    st.dictionaries(st.sampled_from(SETTING_NAMES), json_values, max_size=6),
)
def test_from_text_with_random_field_values(fields: dict[str, Any], vid: dict[str, Any]) -> None:
    if vid:
        fields["metadata"] = {"vidskill": vid}
    text = fenced(yaml.safe_dump(fields, allow_unicode=True))
    found = only_project_errors(skill.from_text, text, path=None, env={})
    if found is not None:
        json.dumps(found.to_json(), allow_nan=False)
        assert all("\n" not in value for value in found.headers().values())


@PROPERTY
@given(
    skill_names,
    st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}", fullmatch=True),
    st.text(min_size=1, max_size=1024).filter(lambda s: s.strip() == s and s),
    st.floats(min_value=0.01, max_value=10_000),
    st.lists(st.sampled_from(["heic", "txt", "docx", "png", "mp4"]), unique=True, max_size=3),
)
def test_valid_skills_resolve_to_what_they_say(
    name: str, version: str, description: str, megabytes: float, best: list[str]
) -> None:
    fields = {
        "name": name,
        "version": version,
        "description": description,
        "metadata": {"vidskill": {"max_upload_mb": megabytes, "formats": best}},
    }
    found = skill.from_text(fenced(yaml.safe_dump(fields)), path=None, env={})
    assert (found.name, found.version, found.description) == (name, version, description)
    assert found.max_upload_bytes == math.floor(megabytes * skill.MB)
    assert found.formats[: len(best)] == tuple(best)
    assert found.headers()["X-Skill-Source"] == name
