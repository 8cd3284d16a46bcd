"""Options several commands share: which skill, which backend, which language.

Only argparse here, so a command can declare them without importing the engine.
"""

from __future__ import annotations

import argparse

SKILL_HELP = "bundled skill name, folder or file"


def add_backend(parser: argparse.ArgumentParser, *, skill_help: str = SKILL_HELP) -> None:
    """Declare --skill and one of --local or --api."""
    parser.add_argument("--skill", metavar="NAME|PATH", help=skill_help)
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--local", action="store_true", help="use the embedded local backend (its data persists)"
    )
    where.add_argument("--api", metavar="URL", help="backend URL (default: NEMO_API_URL, skill)")


def add_lang(parser: argparse.ArgumentParser) -> None:
    """Declare --lang, the language of vidskill's own messages."""
    parser.add_argument("--lang", metavar="CODE", help="language of vidskill's messages (en, zh)")
