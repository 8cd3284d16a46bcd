"""`vidskill skill show|list`: a skill's resolved settings and headers, and the bundled skills."""

from __future__ import annotations

import argparse
import json
import os
import textwrap

from vidskill import skill as skills
from vidskill.skill import MB, Skill


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare `show [--skill X] [--json]` and `list [--json]`."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="Show a skill's resolved fields and its headers.")
    show.add_argument(
        "--skill",
        metavar="NAME|PATH",
        help="a bundled skill name, a folder holding a SKILL.md, or a SKILL.md file "
        "(default: vidskill's own skill)",
    )
    show.add_argument("--json", action="store_true", help="print one JSON object")
    listing = actions.add_parser("list", help="List the bundled skills and their limits.")
    listing.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Print what was asked for; errors propagate to the command line's one reporter."""
    if args.action == "list":
        found = [skills.resolve(name, os.environ) for name in ["vidskill", *skills.bundled()]]
        print(_list_json(found) if args.json else format_list(found))
        return 0
    chosen = skills.resolve(args.skill, os.environ)
    print(_show_json(chosen) if args.json else format_show(chosen))
    return 0


def format_show(skill: Skill) -> str:
    """A readable page of a skill's resolved fields and its attribution headers."""
    language = skill.language or "detected from the first message"
    rows = [
        ("file", skill.path or "-"),
        ("backend", skills.redact_url(skill.api_base)),
        ("web", skills.redact_url(skill.web_base)),
        ("homepage", skill.homepage or "-"),
        ("max upload", f"{_megabytes(skill.max_upload_bytes)} per file"),
        ("formats", ", ".join(skill.formats)),
        ("language", language),
        ("export poll", f"every {skill.poll_interval_s:g} s, at most {skill.poll_max} times"),
        ("platform", skill.platform),
    ]
    lines = [f"{skill.emoji} {skill.display_name} ({skill.name} {skill.version})"]
    lines += textwrap.wrap(skill.description, 100)
    lines += ["", *(f"  {key.ljust(13)}{value}" for key, value in rows), ""]
    lines += [f"Greeting: {skill.greeting}"]
    lines += [f"Greeting ({code}): {t.greeting}" for code, t in skill.translations.items()]
    lines += _bullets("Try saying:", skill.examples) + _bullets("Tips:", skill.tips)
    lines += ["", "Attribution headers:", *(f"  {k}: {v}" for k, v in skill.headers().items())]
    return "\n".join(lines)


def format_list(found: list[Skill]) -> str:
    """A table of skills: name, display name, size limit and best formats."""
    width = max(len(s.name) for s in found)
    title_width = max(len(s.display_name) for s in found)
    lines = []
    for item in found:
        best = ", ".join(_best_formats(item))
        size = _megabytes(item.max_upload_bytes)
        lines.append(
            f"{item.name.ljust(width)}  {item.display_name.ljust(title_width)}  {size:>7}  {best}"
        )
    return "\n".join(lines)


def _show_json(skill: Skill) -> str:
    return json.dumps({"schema": 1, "ok": True, "skill": skill.to_json()}, ensure_ascii=False)


def _list_json(found: list[Skill]) -> str:
    rows = [
        {
            "name": s.name,
            "display_name": s.display_name,
            "version": s.version,
            "emoji": s.emoji,
            "max_upload_bytes": s.max_upload_bytes,
            "best_formats": _best_formats(s),
            "formats": list(s.formats),
            "path": s.path,
        }
        for s in found
    ]
    return json.dumps({"schema": 1, "ok": True, "skills": rows}, ensure_ascii=False)


def _best_formats(skill: Skill) -> list[str]:
    listed = skill.settings.get("formats")
    best = [str(f).lower().lstrip(".") for f in listed] if isinstance(listed, list) else []
    return best or list(skill.formats)


def _megabytes(size: int) -> str:
    return f"{size / MB:g} MB"


def _bullets(title: str, items: tuple[str, ...]) -> list[str]:
    return [title, *(f"  - {item}" for item in items)] if items else []
