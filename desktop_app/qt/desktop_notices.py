"""DesktopNotices: tells the desktop that a job finished or failed, through the platform's
notification service (org.freedesktop.Notifications on Linux, GNOME included; the
Notification Center on macOS; toasts on Windows), by the kept `desktop-notifier` library.

Where the desktop has no notification service, the app does without, quietly: one line in
the log, no dialog, no retry on every job. The library is imported on the first notice,
never at start-up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.tasks import TaskGroup

if TYPE_CHECKING:
    from desktop_notifier import DesktopNotifier

log = logging.getLogger(__name__)

TITLE_LIMIT = 80
BODY_LIMIT = 200


@dataclass(frozen=True)
class Notice:
    """What to tell: a title, a body, and the actions it offers (button text, what it does)."""

    title: str
    body: str
    actions: tuple[tuple[str, Callable[[], None]], ...] = ()
    on_clicked: Callable[[], None] | None = None
    about: tuple[str, ...] = ()
    """The jobs it tells of: acting on any of them in the window withdraws it."""


class DesktopNotices:
    def __init__(self, app_name: str, icon: Path | None, tasks: TaskGroup) -> None:
        self._app_name = app_name
        self._icon = icon
        self._tasks = tasks
        self._notifier: DesktopNotifier | None = None
        self._usable: bool | None = None  # None: not tried yet
        self.told = 0
        """How many notices reached the desktop's service (for the status bar and tests)."""
        self._shown: dict[str, str] = {}
        """Job id -> the identifier of the notice on screen that tells of it."""

    @property
    def usable(self) -> bool | None:
        """True once the service answered, False once it was found missing, None before."""
        return self._usable

    def tell(self, notice: Notice) -> None:
        if self._usable is False:
            return
        self._tasks.spawn(self._send(notice))

    async def _send(self, notice: Notice) -> None:
        notifier = await self._connect()
        if notifier is None:
            return
        from desktop_notifier import Button, Urgency

        identifier = await notifier.send(
            title=notice.title[:TITLE_LIMIT],
            message=notice.body[:BODY_LIMIT],
            urgency=Urgency.Normal,
            buttons=[Button(title=text, on_pressed=act) for text, act in notice.actions],
            on_clicked=notice.on_clicked,
        )
        self.told += 1
        for job_id in notice.about:
            self._shown[job_id] = identifier

    def withdraw(self, job_id: str) -> None:
        """The creator acted on this job (or on its notice): its notice leaves the screen."""
        identifier = self._shown.pop(job_id, None)
        if identifier is None or self._notifier is None:
            return
        for other in [k for k, v in self._shown.items() if v == identifier]:
            del self._shown[other]  # a batch's notice tells of several jobs
        self._tasks.spawn(self._notifier.clear(identifier))

    async def _connect(self) -> DesktopNotifier | None:
        if self._notifier is not None:
            return self._notifier
        from desktop_notifier import DesktopNotifier, Icon

        notifier = DesktopNotifier(
            app_name=self._app_name,
            app_icon=Icon(path=self._icon) if self._icon is not None else None,
        )
        try:
            # Raises where there is no service: no session bus, or nobody serving it.
            await notifier.get_capabilities()
            found = True
        except Exception as error:
            found = False
            log.info("no desktop notification service (%s): notices are not shown", error)
        self._usable = found
        if not found:
            return None
        self._notifier = notifier
        return notifier

    async def aclose(self) -> None:
        """Close the connection to the session bus at quit (the library has no close of
        its own; on macOS and Windows there is nothing to close)."""
        backend = getattr(self._notifier, "_backend", None)
        bus = getattr(backend, "bus", None)
        if bus is not None:
            bus.disconnect()
        self._notifier = None
