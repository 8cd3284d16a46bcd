"""The conversation engine shared by the REPL, the one-shot commands and replay.

`Engine` takes one user line at a time and yields typed outputs (`outputs`); `Settings` holds
its waits and limits; `SessionMemory` remembers sessions and unfinished renders; `explain` is
the one place where errors become user text.
"""

from __future__ import annotations

from vidskill.engine.core import Engine, allows_export
from vidskill.engine.explain import explain, refusal
from vidskill.engine.outputs import (
    CreditsShown,
    ErrorShown,
    FileWritten,
    Notice,
    Output,
    Progress,
    Quit,
    Said,
    SkillChanged,
    StateShown,
    Status,
    TimelineShown,
)
from vidskill.engine.recorder import Recorder, TurnRecord
from vidskill.engine.session import PendingRender, Remembered, SessionMemory
from vidskill.engine.settings import Settings

__all__ = [
    "CreditsShown",
    "Engine",
    "ErrorShown",
    "FileWritten",
    "Notice",
    "Output",
    "PendingRender",
    "Progress",
    "Quit",
    "Recorder",
    "Remembered",
    "Said",
    "SessionMemory",
    "Settings",
    "SkillChanged",
    "StateShown",
    "Status",
    "TimelineShown",
    "TurnRecord",
    "allows_export",
    "explain",
    "refusal",
]
