"""TaskGroup: owns every background task of a process, so none is lost or left running.

It keeps a reference to each task (asyncio only keeps weak ones), logs and reports those
that fail, and at quit cancels them all and waits until they have finished.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

OnError = Callable[[BaseException], None]


class TaskGroup:
    def __init__(self, on_error: OnError | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_error = on_error
        self._closed = False

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any] | None:
        """Run `coro` as a tracked task; None (and `coro` is not run) once closing began."""
        if self._closed:
            coro.close()
            return None
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._on_task_done)
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    def _on_task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled() or task.exception() is None:
            return
        error = task.exception()
        assert error is not None
        log.error("a background task failed", exc_info=error)
        if self._on_error is not None and not self._closed:
            self._on_error(error)

    async def close(self) -> None:
        """Cancel every task and wait for all of them; later spawns are refused."""
        self._closed = True
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
