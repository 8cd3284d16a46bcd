"""The chat stream cut after every possible event position of a real turn, through the engine.

A create turn is run once without faults to count its events (N). Then, for k = 0..N, a fresh
conversation uploads two photos and sends the same message while the backend's answer is cut
after k events. Each time: the message ran once, one turn's credits were charged, the user saw
one notice about the drop in the conversation's language and no error, the engine's draft is
the backend's latest draft version, and a following line works.
"""

from __future__ import annotations

from pathlib import Path

from faults import Fault, Faulty, drive, engine_for, faulty_backend, latest_draft
from servers import photos

from vidskill import messages
from vidskill.engine import ErrorShown, Notice, Output
from vidskill.timeline import parse_draft

CREATE = "create a 5-second product showcase video with background music and text overlays"
FOLLOW = "set the music to 30%"


async def _count_events(srv: Faulty, folder: Path) -> int:
    """The number of events a create turn's stream carries when nothing goes wrong."""
    async with engine_for(srv.url, lang="en") as driven:
        await drive(driven.engine.upload([str(p) for p in photos(folder)]))
        spy = srv.app.arm(Fault("POST", "/run_sse", drop_after=10_000))
        outputs = await drive(driven.engine.handle(CREATE))
        assert not [o for o in outputs if isinstance(o, ErrorShown)], outputs
        assert _about_drop(outputs, "en") == 0, outputs
        assert spy.fired == 1 and driven.engine.session_id is not None
        assert srv.message_runs(driven.engine.session_id) == {CREATE: 1}
        return spy.passed


def _about_drop(outputs: list[Output], lang: str) -> int:
    text = messages.text("stream_dropped", lang)
    notices = sum(1 for o in outputs if isinstance(o, Notice) and o.text == text)
    return notices + sum(1 for o in outputs if isinstance(o, ErrorShown) and o.message == text)


async def _dropped_flow(srv: Faulty, folder: Path, k: int, lang: str) -> None:
    async with engine_for(srv.url, lang=lang) as driven:
        engine, api = driven.engine, driven.api
        await drive(engine.upload([str(p) for p in photos(folder)]))
        before = await api.credits()
        srv.app.arm(Fault("POST", "/run_sse", drop_after=k))
        dropped = await drive(engine.handle(CREATE))
        where = f"k={k} lang={lang}: {dropped}"
        assert _about_drop(dropped, lang) == 1, where
        assert not [o for o in dropped if isinstance(o, ErrorShown)], where
        session = engine.session_id
        assert session is not None
        assert srv.message_runs(session) == {CREATE: 1}, where
        stored = latest_draft(srv.config.db_path, session)
        assert stored is not None and engine.draft == parse_draft(stored), where
        after_drop = await api.credits()
        assert before.available - after_drop.available == srv.config.turn_cost, where
        follow = await drive(engine.handle(FOLLOW))
        assert not [o for o in follow if isinstance(o, ErrorShown)], f"k={k}: {follow}"
        assert srv.message_runs(session) == {CREATE: 1, FOLLOW: 1}, where
        final = latest_draft(srv.config.db_path, session)
        assert final is not None and final != stored and engine.draft == parse_draft(final)
        end = await api.credits()
        assert before.available - end.available == 2 * srv.config.turn_cost, where
        assert end.frozen == 0, where


async def test_a_stream_cut_after_each_event_position(tmp_path: Path) -> None:
    with faulty_backend(tmp_path / "backend") as srv:
        total = await _count_events(srv, tmp_path / "first")
        assert total >= 3, "a create turn carries tool calls, results and text"
        for k in range(total + 1):
            await _dropped_flow(srv, tmp_path / f"k{k}", k, "en" if k % 2 == 0 else "zh-CN")
        cuts = [f for f in srv.app.faults if f.drop_after is not None and f.drop_after <= total]
        assert len(cuts) == total + 1 and all(f.fired == 1 for f in cuts)
