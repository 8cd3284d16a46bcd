"""What a one-shot command prints: one small JSON object, results on stdout, the rest on stderr."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from vidskill.commands.common import Printer
from vidskill.commands.oneshot import MAX_TEXT, Report
from vidskill.engine import (
    CreditsShown,
    ErrorShown,
    FileWritten,
    Notice,
    Output,
    Progress,
    Said,
    StateShown,
    Status,
)

KEYS = {
    "schema", "ok", "command", "session_id", "lang", "text", "notices", "timeline", "assets",
    "files", "credits", "error", "journal",
}  # fmt: skip
OUTPUTS: list[Output] = [
    Status("Connecting..."),
    Notice("Uploaded 1 file(s): a.png"),
    Progress("Uploading 1 file(s)", 50, 100),
    Said("Created a video.", "Created a video. Click Export."),
    Progress("Rendering", 100, 100),
    FileWritten("/tmp/v.mp4", 1234, 5.0, 1920, 1080, "Saved /tmp/v.mp4 (0.0 MB, 5.0 s)."),
    CreditsShown(97, 0, 97, "Credits: 97 available, 0 on hold, 97 in all."),
]


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _args(**kw: object) -> argparse.Namespace:
    return argparse.Namespace(**{"json": False, "progress": "auto", **kw})


def test_the_json_object_has_the_documented_keys_and_stays_small() -> None:
    report = Report("say", lang="en")
    for output in [*OUTPUTS, Said("x" * 20_000), StateShown("Timeline (1 track): ...", ("a.png",))]:
        report.take(output)
    found = report.to_json()
    assert set(found) == KEYS and found["schema"] == 1 and found["ok"] is True
    assert len(found["text"]) == MAX_TEXT and found["text"].endswith("…")
    assert found["files"] == [
        {
            "path": "/tmp/v.mp4",
            "size": 1234,
            "duration": 5.0,
            "width": 1920,
            "height": 1080,
            "text": "Saved /tmp/v.mp4 (0.0 MB, 5.0 s).",
        }
    ]
    assert found["credits"] == {"available": 97, "frozen": 0, "total": 97}
    assert found["assets"] == ["a.png"] and found["notices"] == ["Uploaded 1 file(s): a.png"]
    assert len(json.dumps(found).encode()) < 8192


def test_the_first_error_decides_ok_and_the_exit_code() -> None:
    report = Report("export", lang="en")
    report.take(ErrorShown("No network.", "network", 4))
    report.take(ErrorShown("Later.", "backend", 3, 500))
    found = report.to_json()
    assert found["ok"] is False and report.exit_code == 4
    assert found["error"] == {
        "kind": "network",
        "message": "No network.",
        "code": None,
        "exit_code": 4,
    }


@pytest.mark.parametrize("as_json", [False, True])
def test_results_go_to_stdout_and_nothing_else_when_not_a_terminal(as_json: bool) -> None:
    out, err = io.StringIO(), io.StringIO()
    printer = Printer(_args(json=as_json), out, err)
    for output in [*OUTPUTS, ErrorShown("Cannot reach the backend.", "network", 4)]:
        printer.show(output)
    printer.close()
    expected = (
        ""
        if as_json
        else (
            "Uploaded 1 file(s): a.png\nCreated a video.\nSaved /tmp/v.mp4 (0.0 MB, 5.0 s).\n"
            "Credits: 97 available, 0 on hold, 97 in all.\n"
        )
    )
    assert out.getvalue() == expected
    assert err.getvalue() == "vidskill: Cannot reach the backend.\n"


def test_progress_is_drawn_in_place_on_a_terminal() -> None:
    out, err = io.StringIO(), Terminal()
    printer = Printer(_args(), out, err)
    for output in OUTPUTS:
        printer.show(output)
    printer.close()
    assert err.getvalue() == (
        "Connecting...\n\rUploading 1 file(s): 50%\x1b[K\n\rRendering: 100%\x1b[K\n"
    )


def test_progress_as_json_lines() -> None:
    out, err = io.StringIO(), io.StringIO()
    printer = Printer(_args(json=True, progress="json"), out, err)
    for output in OUTPUTS:
        printer.show(output)
    lines = [json.loads(line) for line in err.getvalue().splitlines()]
    assert [line["type"] for line in lines] == ["status", "progress", "progress"]
    assert lines[1] == {
        "type": "progress",
        "label": "Uploading 1 file(s)",
        "done": 50,
        "total": 100,
    }
