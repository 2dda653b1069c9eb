"""Arrivals: a result comes to the creator. A finished clip is loaded (paused on its first
frame) when the player is idle, the window title counts finished jobs not yet seen, and a
desktop notification tells of a finished or failed job while the window is in the
background. Where the desktop has no notification area, it quietly does without."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from desktop_app.domain.job import Job, JobState
from desktop_app.ui.job_panel import JobPanel
from desktop_app.ui.player import PlayerWidget

ARRIVED = frozenset({JobState.DONE, JobState.FAILED})


class Arrivals(QObject):
    def __init__(
        self, window: QMainWindow, player: PlayerWidget, jobs: JobPanel, title: str
    ) -> None:
        super().__init__(window)
        self._window = window
        self._player = player
        self._jobs = jobs
        self._title = title
        self._unseen: list[str] = []
        self._last_told: str | None = None
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(window.windowIcon() or QIcon(), self)
            self.tray.messageClicked.connect(self._on_tray_message_clicked)
        jobs.view.selectionModel().currentChanged.connect(self._on_selection_changed)

    @property
    def unseen(self) -> list[str]:
        return list(self._unseen)

    def changed(self, before: JobState | None, job: Job) -> None:
        """A job changed from state `before` (None: not listed before) to `job.state`."""
        if job.state not in ARRIVED or before in ARRIVED or before is None:
            return
        if job.state is JobState.DONE and job.file_path is not None:
            if self._player.is_idle():
                self._player.show_paused(str(job.file_path), f"New: {job.request.prompt[:60]}")
            if job.id != self._selected_id() or not self._window.isActiveWindow():
                self._unseen.append(job.id)
                self._show_title()
        if not self._window.isActiveWindow():
            self._tell(job)

    def seen(self, job_id: str) -> None:
        if job_id in self._unseen:
            self._unseen.remove(job_id)
            self._show_title()

    def window_activated(self) -> None:
        """The creator is back: the selected job has been seen."""
        selected = self._selected_id()
        if selected is not None:
            self.seen(selected)

    def _selected_id(self) -> str | None:
        job = self._jobs.selected()
        return job.id if job else None

    def _show_title(self) -> None:
        count = len(self._unseen)
        self._window.setWindowTitle(f"{self._title} — {count} new" if count else self._title)

    def _tell(self, job: Job) -> None:
        if self.tray is None:
            return
        self._last_told = job.id
        done = job.state is JobState.DONE
        self.tray.show()
        self.tray.showMessage(
            "Your clip is ready" if done else "A generation failed",
            job.request.prompt[:120],
            QSystemTrayIcon.MessageIcon.Information
            if done
            else QSystemTrayIcon.MessageIcon.Warning,
        )

    def _on_tray_message_clicked(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()
        if self._last_told is not None:
            self._jobs.select(self._last_told)

    def _on_selection_changed(self, *_args: object) -> None:
        selected = self._selected_id()
        if selected is not None:
            self.seen(selected)
