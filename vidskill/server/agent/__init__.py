"""The local backend's agent: a deterministic, rule-based planner for the five seed workflows.

`run_turn` reads one user message (English or Chinese) with the session's draft and assets,
creates or edits the draft (DRAFT.md) and says what changed in the session language. Its only
side effect is the injected `Toolbox`. `check_draft` lists what breaks the draft contract.
"""

from __future__ import annotations

from vidskill.server.agent.check import check_draft
from vidskill.server.agent.guispeak import gui_speak
from vidskill.server.agent.model import AgentAsset, Toolbox, ToolCall, TurnInput, TurnResult
from vidskill.server.agent.turn import plan_turn, run_turn

__all__ = [
    "AgentAsset",
    "ToolCall",
    "Toolbox",
    "TurnInput",
    "TurnResult",
    "check_draft",
    "gui_speak",
    "plan_turn",
    "run_turn",
]
