"""How long the engine waits for what: keep-alives, turn limits, recovery reads and render polls.

Defaults follow PROTOCOL.md §3 and the skill documents. A skill may set any of them under
`metadata.vidskill` (same names), and `VIDSKILL_<NAME>` environment variables override both,
so tests and impatient users can shorten the waits (`VIDSKILL_RECOVERY_WAITS_S=1,2`).
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from vidskill.errors import UsageError
from vidskill.skill import Skill


@dataclass(frozen=True)
class Settings:
    """The engine's waits and limits, in seconds unless named otherwise."""

    keepalive_notice_s: float = 120.0
    keepalive_timeout_s: float = 600.0
    turn_limit_s: float = 900.0
    recovery_waits_s: tuple[float, ...] = (30.0, 60.0)
    recovery_max_reads: int = 5
    poll_interval_s: float = 30.0
    poll_max: int = 10

    @property
    def poll_budget_s(self) -> float:
        """How long an export waits for its render before leaving it to `export --resume`."""
        return self.poll_interval_s * self.poll_max

    def recovery_wait(self, read: int) -> float:
        """The wait before recovery read number `read` (0-based); the last wait repeats."""
        waits = self.recovery_waits_s
        return waits[min(read, len(waits) - 1)]

    @classmethod
    def from_skill(cls, skill: Skill, env: Mapping[str, str] | None = None) -> Settings:
        """The defaults, then the skill's `metadata.vidskill`, then `VIDSKILL_<NAME>` variables."""
        env = os.environ if env is None else env
        values: dict[str, object] = {
            "poll_interval_s": skill.poll_interval_s,
            "poll_max": skill.poll_max,
        }
        for field in dataclasses.fields(cls):
            if field.name in skill.settings:
                where = f"{skill.path or skill.name}: metadata.vidskill.{field.name}"
                values[field.name] = _read(field.name, skill.settings[field.name], where)
            raw = env.get(f"VIDSKILL_{field.name.upper()}", "").strip()
            if raw:
                values[field.name] = _read(field.name, raw, f"VIDSKILL_{field.name.upper()}")
        return cls(**values)  # type: ignore[arg-type]


def _read(name: str, raw: object, where: str) -> object:
    if name == "recovery_waits_s":
        items = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple) or not items:
            raise UsageError(f"{where} must be a list of seconds, like 30,60")
        return tuple(_number(item, where) for item in items)
    number = _number(raw, where)
    if name in ("recovery_max_reads", "poll_max"):
        if number != int(number) or number < 1:
            raise UsageError(f"{where} must be a whole number of at least 1")
        return int(number)
    return number


def _number(raw: object, where: str) -> float:
    try:
        number = float(raw.strip() if isinstance(raw, str) else raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UsageError(f"{where} must be a number of seconds, not {raw!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise UsageError(f"{where} must be more than 0, not {raw!r}")
    return number
