"""Typed reads of one draft mapping, each failing with a `DraftRejected` that names the place."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from vidskill.render.model import RGB, DraftRejected

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
# No time in a draft needs to be longer than a day; larger numbers are mistakes or attacks.
MAX_MS = 24 * 3600 * 1000


def shown(value: object) -> str:
    """A short, safe rendering of an untrusted value for a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_number(value: object) -> bool:
    """True for a finite int or float (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return isinstance(value, int) or math.isfinite(value)


def parse_color(text: str) -> RGB:
    """The (r, g, b) of a checked "#RRGGBB" string."""
    return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))


class Fields:
    """Reads the keys of one mapping of an untrusted draft; `where` names it in messages."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, Mapping):
            raise DraftRejected(f"{where} must be an object, not {type(value).__name__}")
        self.raw: Mapping[Any, Any] = value
        self.where = where

    def reject(self, message: str) -> DraftRejected:
        """A rejection for this mapping."""
        return DraftRejected(f"{self.where}: {message}")

    def sub(self, key: str, where: str) -> Fields:
        """The nested mapping at `key` (an empty one when absent)."""
        value = self.raw.get(key)
        return Fields({} if value is None else value, where)

    def items(self, key: str) -> Sequence[Any]:
        """The list at `key` (empty when absent)."""
        value = self.raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.reject(f"{key} must be a list, not {type(value).__name__}")
        return value

    def number(self, key: str, default: float | None, lo: float, hi: float) -> float:
        """A number within [lo, hi]; `default` when absent (None makes the key required)."""
        value = self.raw.get(key)
        if value is None:
            if default is None:
                raise self.reject(f"{key} is missing")
            return default
        if not is_number(value) or not lo <= value <= hi:
            raise self.reject(f"{key} must be a number from {lo:g} to {hi:g}, got {shown(value)}")
        return float(value)

    def ms(self, key: str, default: int | None = None) -> int:
        """A non-negative whole number of milliseconds (fractions are rounded)."""
        value = self.raw.get(key)
        if value is None:
            if default is None:
                raise self.reject(f"{key} (milliseconds) is missing")
            return default
        if not is_number(value):
            raise self.reject(f"{key} must be a number of milliseconds, got {shown(value)}")
        if value < 0:
            raise self.reject(f"{key} must not be negative, got {shown(value)}")
        if value > MAX_MS:
            raise self.reject(f"{key} must be at most {MAX_MS} ms (a day), got {shown(value)}")
        return int(value) if isinstance(value, int) else round(value)

    def choice(self, key: str, default: str, allowed: Sequence[str]) -> str:
        """One of `allowed`; `default` when absent."""
        value = self.raw.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or value not in allowed:
            options = ", ".join(allowed)
            raise self.reject(f"{key} must be one of {options}; got {shown(value)}")
        return value

    def color(self, key: str, default: RGB | None) -> RGB | None:
        """A "#RRGGBB" colour as (r, g, b); `default` when absent."""
        value = self.raw.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or not _COLOR.fullmatch(value):
            raise self.reject(f'{key} must be a colour like "#1A2B3C", got {shown(value)}')
        return parse_color(value)

    def text(self, key: str, limit: int) -> str:
        """A string of at most `limit` characters (empty when absent)."""
        value = self.raw.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.reject(f"{key} must be text, got {shown(value)}")
        if len(value) > limit:
            raise self.reject(f"{key} is {len(value)} characters long; the limit is {limit}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        """A true/false value; `default` when absent."""
        value = self.raw.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.reject(f"{key} must be true or false, got {shown(value)}")
        return value
