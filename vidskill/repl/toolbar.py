"""The chat's bottom toolbar: skill, session, language and credits, as formatted text."""

from __future__ import annotations

from dataclasses import dataclass

from prompt_toolkit.formatted_text import StyleAndTextTuples

from vidskill import messages

_SESSION_SHOWN = 12  # characters of a session id worth showing


@dataclass(frozen=True)
class Info:
    """What the toolbar shows, read from the engine when the toolbar is drawn."""

    skill: str
    session: str | None
    lang: str
    credits: float | None


def number(value: float) -> str:
    """A count as people write it: no ".0" on whole numbers."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def short_session(session: str) -> str:
    """A session id cut to a length that fits a toolbar."""
    return session if len(session) <= _SESSION_SHOWN else session[: _SESSION_SHOWN - 1] + "…"


def toolbar(info: Info) -> StyleAndTextTuples:
    """The toolbar's fragments, labels in the user's language."""
    session = (
        short_session(info.session)
        if info.session
        else messages.text("chat_toolbar_no_session", info.lang)
    )
    credits = number(info.credits) if info.credits is not None else "–"
    fields = (
        ("toolbar_skill", info.skill),
        ("toolbar_session", session),
        ("toolbar_lang", info.lang),
        ("toolbar_credits", credits),
    )
    fragments: StyleAndTextTuples = []
    for key, value in fields:
        fragments.append(
            ("class:bottom-toolbar.label", f" {messages.text(f'chat_{key}', info.lang)} ")
        )
        fragments.append(("class:bottom-toolbar.value", f"{value} "))
    return fragments
