"""Render jobs run in worker processes, first in first out, with progress to poll.

Workers are started with the "spawn" method (the server runs threads, which must not be forked)
and at a lower CPU priority, so a render never starves the API. One thread in the parent hands
each idle worker the next job over its own pipe and reads progress back; a worker that dies
fails the job it was running with an error and is replaced.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

from vidskill.render.model import DraftRejected, JobStatus, RenderError, RenderRequest

_NICENESS = 5
_POLL_S = 1.0


def _work(conn: Connection) -> None:
    """A worker process: render each job it is sent until told to stop."""
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.nice(_NICENESS)
    from vidskill.render.pipeline import render

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job_id, request = message
        try:
            conn.send(("done", job_id, render(request, _reporter(conn, job_id))))
        except (DraftRejected, RenderError) as exc:
            conn.send(("failed", job_id, str(exc)))
        except Exception as exc:  # any other failure still ends the job, with its reason
            conn.send(("failed", job_id, f"the render failed: {type(exc).__name__}: {exc}"))


def _reporter(conn: Connection, job_id: str) -> Callable[[float], None]:
    shown = [-1]

    def progress(fraction: float) -> None:
        percent = int(fraction * 100)
        if percent != shown[0]:
            shown[0] = percent
            conn.send(("progress", job_id, percent))

    return progress


class _Worker:
    def __init__(self, context: Any) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_work, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.job: str | None = None


def _plain(req: RenderRequest) -> RenderRequest:
    return RenderRequest(dict(req.draft), dict(req.assets), req.output, req.quality)


class RenderQueue:
    """A FIFO of render jobs served by `workers` worker processes."""

    def __init__(self, workers: int = 1) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._status: dict[str, JobStatus] = {}
        self._pending: deque[tuple[str, RenderRequest]] = deque()
        self._closed = False
        self._wake_r, self._wake_w = self._context.Pipe(duplex=False)
        self._workers = [_Worker(self._context) for _ in range(max(1, workers))]
        self._thread = threading.Thread(target=self._loop, name="render-queue", daemon=True)
        self._thread.start()

    def submit(self, job_id: str, req: RenderRequest) -> None:
        """Queue a render; raises ValueError for a job id already used."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the render queue is closed")
            if job_id in self._status:
                raise ValueError(f"render job {job_id!r} already exists")
            self._status[job_id] = JobStatus("pending")
            self._pending.append((job_id, _plain(req)))
            self._wake_w.send(None)

    def poll(self, job_id: str) -> JobStatus:
        """Where a job stands; raises KeyError for a job id never submitted."""
        with self._lock:
            return self._status[job_id]

    def pids(self) -> tuple[int, ...]:
        """The process ids of the workers (for monitoring)."""
        with self._lock:
            return tuple(worker.process.pid or 0 for worker in self._workers)

    def close(self) -> None:
        """Stop the workers; jobs not finished are failed."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._wake_w.send(None)
        self._thread.join(timeout=10)
        for worker in self._workers:
            _stop(worker)
        with self._lock:
            for job_id, status in self._status.items():
                if status.state in ("pending", "processing"):
                    error = "the render queue was closed"
                    self._status[job_id] = JobStatus("failed", status.progress, None, error)

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                self._dispatch()
                waits: list[Any] = [self._wake_r]
                for worker in self._workers:
                    waits += [worker.conn, worker.process.sentinel]
            for ready in wait(waits, timeout=_POLL_S):
                self._handle(ready)

    def _dispatch(self) -> None:
        for worker in self._workers:
            if worker.job is None and self._pending:
                job_id, req = self._pending.popleft()
                worker.job = job_id
                self._status[job_id] = JobStatus("processing", 0)
                # A worker that just died fails this job when its sentinel fires.
                with contextlib.suppress(OSError):
                    worker.conn.send((job_id, req))

    def _handle(self, ready: Any) -> None:
        if ready is self._wake_r:
            self._wake_r.recv()
            return
        with self._lock:
            for index, worker in enumerate(self._workers):
                if ready is worker.conn:
                    self._receive(index, worker)
                elif ready == worker.process.sentinel:
                    self._replace(index, worker)

    def _receive(self, index: int, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(index, worker)
            return
        self._record(worker, *message)

    def _record(self, worker: _Worker, kind: str, job_id: str, value: Any) -> None:
        if kind == "progress":
            self._status[job_id] = JobStatus("processing", int(value))
            return
        worker.job = None
        if kind == "done":
            self._status[job_id] = JobStatus("completed", 100, value)
        else:
            self._status[job_id] = JobStatus("failed", self._status[job_id].progress, None, value)

    def _replace(self, index: int, worker: _Worker) -> None:
        if self._workers[index] is not worker:
            return
        try:
            while worker.conn.poll(0):  # what it said before it stopped still counts
                self._record(worker, *worker.conn.recv())
        except (EOFError, OSError):
            pass
        worker.process.join(timeout=1)
        if worker.job is not None:
            code = worker.process.exitcode
            error = f"the render worker stopped unexpectedly (exit code {code}); please try again"
            progress = self._status[worker.job].progress
            self._status[worker.job] = JobStatus("failed", progress, None, error)
        worker.conn.close()
        if not self._closed:
            self._workers[index] = _Worker(self._context)


def _stop(worker: _Worker) -> None:
    """Ask an idle worker to stop; a busy one is stopped at once (its job is failed)."""
    if worker.job is None:
        with contextlib.suppress(OSError):
            worker.conn.send(None)
        worker.process.join(timeout=5)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(timeout=5)
    worker.conn.close()
