"""429, 1001 and 1002 answered once in the middle of a real flow (upload, create, edit).

The fault table is `data/fault_codes.json`: which request, which occurrence, what answer. The
same flow runs first without faults to count its requests, then with the fault. A 429 or a
1001 costs exactly one more request (and, for 1001, one token request), waits as told, and the
user notices nothing; a 1002 starts one new project and says so in the user's language. No
message ever runs twice, and two turns are charged.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from faults import Driven, Fault, Faulty, drive, engine_for, faulty_backend
from servers import photos

from vidskill import messages
from vidskill.engine import ErrorShown, Notice, Output

CREATE = "create a 5-second product showcase video with background music and text overlays"
FOLLOW = "set the music to 30%"
CASES: list[dict[str, Any]] = json.loads((DATA / "fault_codes.json").read_text(encoding="utf-8"))
KEYS = (
    "POST /run_sse",
    "GET /api/state/",
    "POST /api/upload-video/",
    "POST /api/auth/anonymous-token",
    "POST /api/tasks/",
    "GET /api/credits/",
)


def _counts(srv: Faulty) -> Counter[str]:
    counts: Counter[str] = Counter()
    for key in KEYS:
        method, path = key.split(" ")
        counts[key] = srv.app.count(method, path)
    return counts


async def _flow(driven: Driven, folder: Path) -> tuple[list[Output], float]:
    """Upload, create, edit; returns the outputs and the credits the two turns cost."""
    engine = driven.engine
    outputs = await drive(engine.upload([str(p) for p in photos(folder)]))
    before = (await driven.api.credits()).available
    outputs += await drive(engine.handle(CREATE))
    outputs += await drive(engine.handle(FOLLOW))
    after = await driven.api.credits()
    assert after.frozen == 0
    return outputs, before - after.available


def _runs_per_message(srv: Faulty) -> dict[str, int]:
    rows = srv.query("SELECT message, COUNT(*) FROM turns GROUP BY message_sha256")
    return {str(message): int(count) for message, count in rows}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
async def test_a_refusal_in_the_middle_of_a_flow(tmp_path: Path, case: dict[str, Any]) -> None:
    lang = case["lang"]
    with faulty_backend(tmp_path / "backend") as srv:
        for run in ("warm", "clean"):  # the first flow also fetches the anonymous token
            start = _counts(srv)
            async with engine_for(srv.url, lang=lang) as driven:
                await _flow(driven, tmp_path / run)
        clean = _counts(srv) - start
        start = _counts(srv)
        headers = tuple((k, v) for k, v in case["headers"])
        fault = srv.app.arm(
            Fault(case["method"], case["path"], case["nth"], case["status"], case["body"], headers)
        )
        async with engine_for(srv.url, lang=lang) as driven:
            outputs, charged = await _flow(driven, tmp_path / "faulty")
        assert fault.fired == 1
        assert _runs_per_message(srv) == {CREATE: 3, FOLLOW: 3}  # once per flow
        assert charged == 2 * srv.config.turn_cost
        delta = {k: n for k, n in (_counts(srv) - start - clean).items() if n}
        errors = [o for o in outputs if isinstance(o, ErrorShown)]
        lost = messages.text("session_lost", lang)
        notices = [o for o in outputs if isinstance(o, Notice) and o.text == lost]
        if case.get("new_session"):
            assert len(notices) == 1 and not errors, outputs
            assert delta["POST /api/tasks/"] == 1, delta
        else:
            assert not notices and not errors, outputs
            assert delta == case["extra"], delta
        if "slept" in case:
            assert driven.sleeps.asked == [case["slept"]]


REFUSE_TWICE = [
    ("429", 429, {"message": "slow down"}, (("Retry-After", "1"),), 2, "rate_limited"),
    ("1001", 401, {"code": 1001, "message": "token expired"}, (), 2, "token"),
    ("429-too-long", 429, {}, (("Retry-After", "600"),), 1, "rate_limited"),
]


@pytest.mark.parametrize(
    ("status", "body", "headers", "sent", "kind"),
    [case[1:] for case in REFUSE_TWICE],
    ids=[case[0] for case in REFUSE_TWICE],
)
async def test_a_refusal_that_persists_is_retried_once_then_explained(
    tmp_path: Path,
    status: int,
    body: dict[str, Any],
    headers: tuple[tuple[str, str], ...],
    sent: int,
    kind: str,
) -> None:
    with faulty_backend(tmp_path / "backend") as srv:
        async with engine_for(srv.url, lang="zh-CN") as driven:
            engine = driven.engine
            await drive(engine.upload([str(p) for p in photos(tmp_path / "in")]))
            before = await driven.api.credits()
            for nth in range(1, sent + 1):  # every request this line sends is refused
                srv.app.arm(Fault("POST", "/run_sse", nth, status, body, headers))
            outputs = await drive(engine.handle(CREATE))
            (error,) = [o for o in outputs if isinstance(o, ErrorShown)]
            assert error.kind == kind, error
            assert srv.app.count("POST", "/run_sse") == sent  # the first try and one retry
            assert engine.session_id and srv.message_runs(engine.session_id) == {}
            assert (await driven.api.credits()).available == before.available
            follow = await drive(engine.handle(FOLLOW))
            assert not [o for o in follow if isinstance(o, ErrorShown)], follow
            assert srv.message_runs(engine.session_id) == {FOLLOW: 1}
