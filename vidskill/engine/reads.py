"""What the runtime answers itself, without the agent: credits, project state, timeline."""

from __future__ import annotations

from collections.abc import AsyncIterator

from vidskill.client import Asset
from vidskill.engine.conversation import Conversation
from vidskill.engine.outputs import CreditsShown, Notice, Output, StateShown, TimelineShown
from vidskill.timeline import draw, summary

DRAWING_WIDTH = 72


def number(value: float) -> str:
    """A credit amount without a needless ".0"."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


async def credits(conv: Conversation) -> AsyncIterator[Output]:
    """Read and show the credit balance."""
    balance = await conv.read_credits()
    line = conv.say(
        "credits",
        available=number(balance.available),
        frozen=number(balance.frozen),
        total=number(balance.total),
    )
    yield CreditsShown(balance.available, balance.frozen, balance.total, line)


def timeline_summary(conv: Conversation) -> str:
    """The last read timeline's one-line summary, or a line saying it is empty."""
    if conv.draft is None or not conv.draft.tracks:
        return conv.say("timeline_empty")
    return summary(conv.draft, conv.lang)


def _asset(asset: Asset) -> str:
    name = asset.filename or asset.id or "?"
    details = [asset.file_type or ""]
    if asset.width and asset.height:
        details.append(f"{asset.width}x{asset.height}")
    if asset.duration:
        details.append(f"{asset.duration:.1f}s")
    shown = ", ".join(d for d in details if d)
    return f"{name} ({shown})" if shown else name


async def state(conv: Conversation) -> AsyncIterator[Output]:
    """Read and show the project's timeline summary and media files."""
    found = await conv.read_state()
    if found is None:
        yield Notice(conv.say("no_project"))
        return
    yield StateShown(timeline_summary(conv), tuple(_asset(a) for a in found.assets))


async def timeline(conv: Conversation) -> AsyncIterator[Output]:
    """Read and show the timeline: its summary and a drawing."""
    if await conv.read_state() is None:
        yield Notice(conv.say("no_project"))
        return
    drawing = draw(conv.draft, DRAWING_WIDTH, conv.lang) if conv.draft is not None else ""
    yield TimelineShown(timeline_summary(conv), drawing)
