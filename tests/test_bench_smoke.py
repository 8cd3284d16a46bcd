"""The benchmark code still runs and returns well-formed figures (timings are never asserted)."""

from __future__ import annotations

import asyncio
import functools
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from engine_support import SUBMIT, LiveFake, drive, make_engine

from vidskill.engine import FileWritten, SessionMemory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench/ sits next to the package and is not installed

from bench import harness, stream  # noqa: E402
from bench.__main__ import parse  # noqa: E402
from bench.render_cases import encode_only, render_once  # noqa: E402
from bench.servers import local_backend  # noqa: E402
from bench.startup import fresh_env, vidskill_argv  # noqa: E402

TINY: dict[str, Any] = {
    "d": 200,
    "m": {"title": "Tiny", "width": 1080, "height": 1080, "fps": 30},
    "t": [
        {"id": "v1", "tt": 0, "m": {"name": "Video"},
         "sg": [{"id": "v1s1", "s": 0, "d": 200, "m": {"kind": "color", "color": "#336699"}}]},
        {"id": "x1", "tt": 7, "m": {"name": "Title"},
         "sg": [{"id": "x1s1", "s": 0, "d": 200, "m": {"text": "Tiny 小"}}]},
    ],
}  # fmt: skip


def test_spread_and_percentile_summarise_runs() -> None:
    assert harness.spread([3.0, 1.0, 2.0, 10.0]) == {
        "median": 2.5,
        "min": 1.0,
        "max": 10.0,
        "runs": 4,
    }
    values = [float(v) for v in range(1, 101)]
    assert harness.percentile(values, 0.99) == 99.0
    assert harness.percentile(values, 0.5) == 50.0
    with pytest.raises(ValueError):
        harness.spread([])


def test_figures_meet_targets_and_serialise() -> None:
    result = harness.Result("demo")
    fast = result.add("wall", [0.2, 0.4, 0.3], target=harness.Target("<=", 0.3))
    slow = result.add("ratio", 1.5, "x", harness.Target("<=", 1.3))
    free = result.add("cpu", [0.1])
    assert (fast.met, slow.met, free.met) == (True, False, None)
    document = json.loads(json.dumps(result.done().to_json()))
    assert document["figures"]["wall"]["median"] == 0.3
    assert document["figures"]["ratio"]["target"] == "<= 1.3"
    assert set(document["load_average"]) == {"before", "after"}
    table = harness.format_table([result])
    assert "NO" in table and "yes" in table and table.count("\n") == 4


def test_run_process_reports_the_child_alone() -> None:
    run = harness.run_process([sys.executable, "-c", "print('hi')"])
    assert (run.returncode, run.stdout) == (0, "hi\n")
    assert run.wall_s > 0 and run.cpu_s > 0 and run.peak_rss_mb > 0
    failed = harness.run_process([sys.executable, "-c", "raise SystemExit(3)"])
    assert failed.returncode == 3


def test_command_line_options() -> None:
    args = parse(["--only", "startup,stream", "--quick", "--runs", "2"])
    assert (args.names, args.quick, args.runs) == (["startup", "stream"], True, 2)
    with pytest.raises(SystemExit):
        parse(["--only", "nothing"])


def test_route_process_starts(tmp_path: Path) -> None:
    run = harness.run_process(vidskill_argv("route", "导出"), env=fresh_env(str(tmp_path)))
    assert run.returncode == 0 and run.stdout.startswith("export")


def test_tiny_render_and_baseline(tmp_path: Path) -> None:
    rendered = render_once(TINY, {}, str(tmp_path / "r.mp4"))
    baseline = encode_only(TINY, {}, str(tmp_path / "b.mp4"))
    assert set(rendered) == {"wall_s", "cpu_s", "peak_rss_mb", "size_mb"}
    assert set(baseline) == {"wall_s", "cpu_s"}
    assert rendered["size_mb"] > 0 and (tmp_path / "b.mp4").stat().st_size > 0


def test_tiny_stream_through_a_live_backend(tmp_path: Path) -> None:
    agent = functools.partial(stream.many_calls, 20)
    tokens = harness_tokens()
    with local_backend(tmp_path / "data", run_turn=agent, tokens=tokens) as url:
        sample = asyncio.run(stream.api_turn(url, stream.client_env(str(tmp_path / "home"))))
    assert (sample.value["ToolCall"], sample.value["ToolResult"], sample.value["Text"]) == (
        20,
        20,
        1,
    )
    assert stream.decoder_only(stream.recorded(20), chunk=7) == 41


def harness_tokens() -> tuple[Any, ...]:
    """The named token the stream client uses."""
    from vidskill.server.config import NamedToken

    return (NamedToken("bench", stream.TOKEN),)


@pytest.mark.parametrize("quality", ["high", "preview"])
async def test_export_sends_the_chosen_quality(
    quality: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from client_fake import BASE
    from engine_support import DRAFT

    monkeypatch.chdir(tmp_path)
    SessionMemory.default().remember("ai-product-video", BASE, "sess_1", "en")
    backend = LiveFake()
    backend.draft = DRAFT
    engine, http = make_engine(backend)
    engine.restore()
    async with http:
        outputs = await drive(engine.export(str(tmp_path / "out.mp4"), quality))
    assert any(isinstance(o, FileWritten) for o in outputs)
    body = json.loads(backend.calls(SUBMIT)[0].content)
    assert body["output"]["quality"] == quality


def test_export_command_has_a_preview_flag() -> None:
    import argparse

    from vidskill.commands import export

    parser = argparse.ArgumentParser()
    export.configure(parser)
    assert parser.parse_args(["--preview"]).preview is True
    assert parser.parse_args([]).preview is False


def test_a_side_by_side_comparison_records_both_sides_and_per_pair_ratios() -> None:
    result = harness.Result("pair")
    ours = [{"wall_s": 2.0, "cpu_s": 3.0}, {"wall_s": 4.0, "cpu_s": 5.0}]
    theirs = [{"wall_s": 1.0, "cpu_s": 2.0}, {"wall_s": 1.0, "cpu_s": 2.0}]
    result.compare(("ours", ours), ("theirs", theirs), ("wall x", "cpu x"), harness.Target("<=", 3))
    figures = {f.label: f.values for f in result.figures}
    assert figures["ours wall"] == (2.0, 4.0) and figures["theirs CPU"] == (2.0, 2.0)
    assert figures["wall x"] == (2.0, 4.0)  # per pair, not a ratio of medians
    assert figures["cpu x"] == (2.0,)  # median 4.0 over median 2.0
    assert list(figures)[-2:] == ["wall x", "cpu x"]
