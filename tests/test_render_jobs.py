"""RenderQueue end to end: real worker processes rendering real files."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from render_support import draft, probe, track

from vidskill.render import JobStatus, RenderQueue, RenderRequest

FINAL = ("completed", "failed")


@pytest.fixture
def queue() -> Iterator[RenderQueue]:
    jobs = RenderQueue(workers=1)
    try:
        yield jobs
    finally:
        jobs.close()


def _request(
    tmp: Path, name: str, seconds: float = 1.0, assets: dict[str, str] | None = None
) -> RenderRequest:
    ms = round(seconds * 1000)
    body = draft(ms, [track(0, (0, ms, {"kind": "color", "color": "#225588"})),
                      track(1, (0, ms, {"src": "music:calm"}))])  # fmt: skip
    if assets:
        body["t"].append(track(0, (0, ms, {"src": "x", "kind": "image"})))
    return RenderRequest(body, assets or {}, str(tmp / f"{name}.mp4"), "preview")


def _watch(
    jobs: RenderQueue, job_id: str, until: tuple[str, ...] = FINAL, limit: float = 120
) -> list[JobStatus]:
    seen = [jobs.poll(job_id)]
    deadline = time.monotonic() + limit
    while seen[-1].state not in until and time.monotonic() < deadline:
        time.sleep(0.02)
        seen.append(jobs.poll(job_id))
    return seen


def test_a_job_renders_in_a_worker_process_with_progress(
    queue: RenderQueue, tmp_path: Path
) -> None:
    queue.submit("one", _request(tmp_path, "one", seconds=3))
    seen = _watch(queue, "one")
    final = seen[-1]
    assert final.state == "completed" and final.progress == 100 and final.error is None
    assert final.result is not None and probe(final.result.path).frames == 90
    progress = [status.progress for status in seen]
    assert progress == sorted(progress)
    assert any(0 < p < 100 for p in progress)
    order = ["pending", "processing", "completed"]
    states = [order.index(status.state) for status in seen]
    assert states == sorted(states)  # a fast worker may take the job before the first poll
    assert os.getpid() not in queue.pids()


def test_jobs_run_in_order_and_a_bad_job_fails_cleanly(queue: RenderQueue, tmp_path: Path) -> None:
    queue.submit("bad", _request(tmp_path, "bad", assets={"x": str(tmp_path / "gone.jpg")}))
    queue.submit("good", _request(tmp_path, "good"))
    assert queue.poll("good").state in ("pending", "processing")  # queued behind "bad"
    bad = _watch(queue, "bad")[-1]
    assert bad.state == "failed" and bad.result is None
    assert bad.error is not None and "missing" in bad.error
    assert _watch(queue, "good")[-1].state == "completed"
    assert not (tmp_path / "bad.mp4").exists()


def test_ids_are_unique_and_unknown_ids_are_errors(queue: RenderQueue, tmp_path: Path) -> None:
    queue.submit("same", _request(tmp_path, "same"))
    with pytest.raises(ValueError, match="already exists"):
        queue.submit("same", _request(tmp_path, "same"))
    with pytest.raises(KeyError):
        queue.poll("never")


def test_a_job_whose_worker_dies_fails_and_the_queue_goes_on(
    queue: RenderQueue, tmp_path: Path
) -> None:
    queue.submit("long", _request(tmp_path, "long", seconds=60))
    started = _watch(queue, "long", until=("processing", *FINAL))[-1]
    assert started.state == "processing"
    (pid,) = queue.pids()
    os.kill(pid, signal.SIGKILL)
    final = _watch(queue, "long")[-1]
    assert final.state == "failed"
    assert final.error is not None and "stopped unexpectedly" in final.error
    queue.submit("after", _request(tmp_path, "after"))
    assert _watch(queue, "after")[-1].state == "completed"
    assert queue.pids() != (pid,)


def test_closing_fails_what_has_not_finished(tmp_path: Path) -> None:
    jobs = RenderQueue(workers=1)
    jobs.submit("running", _request(tmp_path, "running", seconds=60))
    jobs.submit("waiting", _request(tmp_path, "waiting"))
    _watch(jobs, "running", until=("processing", *FINAL))
    jobs.close()
    for job_id in ("running", "waiting"):
        status = jobs.poll(job_id)
        assert status.state == "failed" and status.error == "the render queue was closed"
    with pytest.raises(RuntimeError, match="closed"):
        jobs.submit("late", _request(tmp_path, "late"))
