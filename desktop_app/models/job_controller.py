"""JobController: the window's side of the engine. Runs each job's work as a tracked
asyncio task, turns engine callbacks into Qt signals, and watches the journal for what
other processes (a CLI next to the window) change."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.api.request import GenerationRequest
from desktop_app.jobs.engine import (
    FollowInterruptedError,
    JobBusyError,
    JobEngine,
    Listener,
)
from desktop_app.jobs.library import forget_job
from desktop_app.runtime import MissingKeyError
from desktop_app.store.job import Job, JobState
from desktop_app.store.journal import JobJournal

log = logging.getLogger(__name__)

EngineFactory = Callable[[Listener], JobEngine]
"""Builds the engine; raises MissingKeyError while there is no API key."""


class JobController(QObject):
    job_changed = Signal(object)
    """A job (`Job`) was created or changed, by this process or another one."""
    job_removed = Signal(str)
    jobs_reloaded = Signal(list)
    problem_raised = Signal(str, str)
    """(title, sentence): something a creator must hear about."""
    key_needed = Signal(str)

    def __init__(
        self,
        journal: JobJournal,
        engine_factory: EngineFactory,
        *,
        refresh_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._journal = journal
        self._engine_factory = engine_factory
        self._engine: JobEngine | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._following: set[str] = set()
        self._data_version = journal.data_version()
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Show the journal and resume every unfinished job (when a key is available)."""
        self.jobs_reloaded.emit(self._journal.jobs())
        self._timer.start()
        engine = self._try_engine()
        if engine is not None:
            for job in engine.recover_interrupted():
                self.job_changed.emit(job)
            self._follow_waiting(engine)

    async def shutdown(self) -> None:
        """Cancel every task (jobs stay journaled and resume next time) and wait for them."""
        self._timer.stop()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def engine_ready(self) -> bool:
        return self._try_engine() is not None

    def _try_engine(self) -> JobEngine | None:
        if self._engine is None:
            try:
                self._engine = self._engine_factory(self.job_changed.emit)
            except MissingKeyError as error:
                self.key_needed.emit(str(error))
                return None
        return self._engine

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._on_task_done)
        return task

    def _on_task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            log.error("job task failed", exc_info=error)
            self.problem_raised.emit("Something went wrong", f"{type(error).__name__}: {error}")

    # -- actions ---------------------------------------------------------------------------

    def submit(self, request: GenerationRequest) -> asyncio.Task[Any] | None:
        engine = self._try_engine()
        if engine is None:
            return None
        return self._spawn(self._submit_and_follow(engine, request))

    async def _submit_and_follow(self, engine: JobEngine, request: GenerationRequest) -> None:
        job = await engine.submit(request)
        if job.error is not None and not job.state.is_followable:
            title = "Not sent" if job.state.value == "rejected" else "Outcome unknown"
            self.problem_raised.emit(title, job.error.message)
        if job.state.is_followable:
            self._following.add(job.id)
            await self._follow(engine, job.id)

    def follow(self, job_id: str) -> None:
        engine = self._try_engine()
        if engine is not None and job_id not in self._following:
            self.job_changed.emit(engine.follow_again(job_id))
            self._start_following(engine, job_id)

    def _start_following(self, engine: JobEngine, job_id: str) -> None:
        self._following.add(job_id)
        self._spawn(self._follow(engine, job_id, first_poll_delay=0.0))

    async def _follow(self, engine: JobEngine, job_id: str, **kw: float) -> None:
        try:
            await engine.follow(job_id, **kw)
        except JobBusyError:
            log.info("job %s is followed by another process", job_id)
        except FollowInterruptedError as error:
            self.problem_raised.emit("Stopped following a job", str(error))
        finally:
            self._following.discard(job_id)

    def stop_following(self, job_id: str) -> None:
        self.job_changed.emit(self._journal.update(job_id, followed=False))

    def redownload(self, job_id: str) -> None:
        engine = self._try_engine()
        if engine is not None and job_id not in self._following:
            self._following.add(job_id)
            self._spawn(self._redownload(engine, job_id))

    async def _redownload(self, engine: JobEngine, job_id: str) -> None:
        try:
            await engine.redownload(job_id)
        except (FollowInterruptedError, ValueError) as error:
            self.problem_raised.emit("Could not save the clip", str(error))
        finally:
            self._following.discard(job_id)

    def forget(self, job_id: str, *, delete_file: bool) -> None:
        forget_job(self._journal, job_id, delete_file=delete_file)
        self.job_removed.emit(job_id)

    def resubmit(self, job: Job) -> asyncio.Task[Any] | None:
        """Send a job's request again, knowingly, as a new job. An `unknown` job is replaced
        by it; a failed or rejected one stays in the history."""
        if job.state is JobState.UNKNOWN:
            self.forget(job.id, delete_file=False)
        return self.submit(job.request)

    # -- watching the journal --------------------------------------------------------------

    def _on_timer_timeout(self) -> None:
        version = self._journal.data_version()
        if version != self._data_version:
            self._data_version = version
            self.jobs_reloaded.emit(self._journal.jobs())
        if self._engine is not None:
            self._follow_waiting(self._engine)

    def _follow_waiting(self, engine: JobEngine) -> None:
        """Follow unfinished jobs nobody follows (also those a crashed CLI left)."""
        for job in engine.followable():
            if job.id not in self._following:
                self._start_following(engine, job.id)
