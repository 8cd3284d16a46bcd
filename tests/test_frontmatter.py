"""SKILL.md frontmatter: every case in tests/data/frontmatter/ against its golden answer.

Each `CASE.md` has a `CASE.json` golden: `{"metadata": ..., "body": ...}` for a file that
parses, or `{"error": {"line": N, "message": ...}}` for one that must not. Regenerate the
goldens with `VIDSKILL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_frontmatter.py`, then
review the diff: a golden is a claim about the right answer, not a record of the current one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from vidskill import frontmatter
from vidskill.errors import FrontmatterError, SkillError

CASES = Path(__file__).resolve().parent / "data" / "frontmatter"
CASE_FILES = sorted(CASES.glob("*.md"))
UPDATE = os.environ.get("VIDSKILL_UPDATE_GOLDEN") == "1"


def outcome(text: str, name: str) -> dict[str, Any]:
    """What parsing gives for a case, in the golden files' shape."""
    try:
        metadata, body = frontmatter.parse(text, path=name)
    except FrontmatterError as exc:
        return {"error": {"line": exc.line, "message": str(exc)}}
    # A JSON round trip, so dates and the like compare as the golden stores them.
    plain = json.loads(json.dumps(metadata, ensure_ascii=False, default=str))
    return {"metadata": plain, "body": body}


def golden(case: Path) -> dict[str, Any]:
    path = case.with_suffix(".json")
    found = outcome(case.read_text(encoding="utf-8"), case.name)
    if UPDATE:
        path.write_text(json.dumps(found, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


def test_every_case_has_a_golden() -> None:
    assert len(CASE_FILES) >= 20
    for case in CASE_FILES:
        golden(case)  # writes the golden first when updating
    goldens = sorted(CASES.glob("*.json"))
    assert [g.stem for g in goldens] == [c.stem for c in CASE_FILES]


def test_cases_cover_both_outcomes() -> None:
    kinds = [("error" in golden(case)) for case in CASE_FILES]
    assert kinds.count(True) >= 10
    assert kinds.count(False) >= 5


@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.stem)
def test_case_matches_golden(case: Path) -> None:
    assert outcome(case.read_text(encoding="utf-8"), case.name) == golden(case)


@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.stem)
def test_bom_and_crlf_give_the_same_answer(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    windows = "\ufeff" + text.replace("\n", "\r\n")
    # Line ends come back as LF, so the body matches the golden too.
    assert outcome(windows, case.name) == golden(case)


@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.stem)
def test_load_reads_the_file_and_names_it(case: Path) -> None:
    expected = golden(case)
    if "error" in expected:
        with pytest.raises(FrontmatterError) as info:
            frontmatter.load(case)
        assert info.value.path == str(case)
        assert info.value.line == expected["error"]["line"]
        assert str(info.value).startswith(f"{case}:{expected['error']['line']}: ")
    else:
        metadata, body = frontmatter.load(case)
        assert body == expected["body"]
        assert metadata["name"] == expected["metadata"]["name"]


def test_error_kinds_name_file_and_line() -> None:
    by_name = {case.stem: golden(case) for case in CASE_FILES}
    assert by_name["error_no_frontmatter"]["error"]["line"] == 1
    assert by_name["error_unclosed"]["error"]["line"] == 1
    assert by_name["error_bad_indent"]["error"]["line"] == 5
    assert by_name["error_tab_indent"]["error"]["line"] == 4
    assert by_name["error_list"]["error"]["line"] == 2
    assert "no frontmatter" in by_name["error_no_frontmatter"]["error"]["message"]
    assert "unclosed" in by_name["error_unclosed"]["error"]["message"]
    assert "invalid YAML" in by_name["error_bad_indent"]["error"]["message"]
    assert "mapping" in by_name["error_scalar"]["error"]["message"]


def test_json_metadata_decodes_escaped_emoji_that_yaml_would_split() -> None:
    text = '---\nname: a\nmetadata: {"openclaw":{"emoji":"\\ud83c\\udfac"}}\n---\n'
    metadata, _ = frontmatter.parse(text)
    assert metadata["metadata"] == {"openclaw": {"emoji": "🎬"}}


def test_a_later_yaml_metadata_block_wins_over_an_earlier_json_line() -> None:
    text = '---\nmetadata: {"a": 1}\nmetadata:\n  b: 2\n---\n'
    assert frontmatter.parse(text)[0]["metadata"] == {"b": 2}


def test_indented_json_line_is_left_to_yaml() -> None:
    text = '---\ndescription: |\n  metadata: {"a":1}\n---\n'
    assert frontmatter.parse(text)[0] == {"description": 'metadata: {"a":1}\n'}


def test_error_line_counts_lines_before_the_frontmatter_block() -> None:
    text = "---\na: 1\nb: 2\nc: [\n---\nbody\n"
    with pytest.raises(FrontmatterError) as info:
        frontmatter.parse(text, path="x/SKILL.md")
    assert info.value.line is not None and info.value.line >= 4
    assert str(info.value).startswith("x/SKILL.md:")


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(SkillError, match="cannot read"):
        frontmatter.load(tmp_path / "missing.md")
    bad = tmp_path / "SKILL.md"
    bad.write_bytes(b"---\nname: a\ndescription: caf\xe9\n---\n")
    with pytest.raises(FrontmatterError) as info:
        frontmatter.load(bad)
    assert info.value.line == 3
    assert "not UTF-8" in str(info.value)
