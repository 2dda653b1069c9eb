"""Arrivals: a result comes to the creator. A finished clip is loaded (paused on its first
frame) when the player is idle; a clip the creator is looking at stays, and the arrival is
announced, one key away (Ctrl+Shift+P plays the newest clip). The window title counts
finished jobs not yet seen, and a desktop notification tells of a finished or failed job
while the window is in the background, with Play and Show that bring the window back on
that job. Where the desktop has no notification service, it quietly does without."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow

from desktop_app.domain.job import Job, JobState
from desktop_app.qt.desktop_notices import DesktopNotices, Notice
from desktop_app.ui.job_panel import JobPanel
from desktop_app.ui.player import PlayerWidget
from desktop_app.ui.window_menus import PLAY_NEWEST_KEYS

ARRIVED = frozenset({JobState.DONE, JobState.FAILED})


class Arrivals(QObject):
    def __init__(
        self,
        window: QMainWindow,
        player: PlayerWidget,
        jobs: JobPanel,
        title: str,
        notices: DesktopNotices,
        batch_of: Callable[[str], Sequence[Job]],
    ) -> None:
        """`batch_of`: every job of a batch (a Generate of several takes), by its id."""
        super().__init__(window)
        self._window = window
        self._player = player
        self._jobs = jobs
        self._title = title
        self._unseen: list[str] = []
        self._newest: Job | None = None
        """The last clip that arrived while the creator was looking at another one."""
        self.notices = notices
        self._batch_of = batch_of
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
            else:
                self._newest = job
                self._window.statusBar().showMessage(
                    f"A new clip is ready ({job.request.prompt[:40]}): {PLAY_NEWEST_KEYS} plays "
                    "it; the clip you are looking at stays until then.",
                    15_000,
                )
            if job.id != self._selected_id() or not self._window.isActiveWindow():
                self._unseen.append(job.id)
                self._show_title()
        if not self._window.isActiveWindow():
            self._tell(job)

    def play_newest(self) -> None:
        """Play the clip that arrived while another one was being looked at."""
        job = self._newest
        if job is None or job.file_path is None:
            self._window.statusBar().showMessage("No new clip is waiting.", 4000)
            return
        self._newest = None
        self._jobs.select(job.id)
        self.seen(job.id)
        self._player.play(str(job.file_path), job.request.prompt[:60])

    def seen(self, job_id: str) -> None:
        self.notices.withdraw(job_id)
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
        if job.batch_id is not None:
            self._tell_batch(job.batch_id)
            return
        if job.state is JobState.DONE:
            self.notices.tell(self._ready([job], "Your clip is ready"))
            return
        reason = job.error.message if job.error else "The service gave no reason."
        self.notices.tell(
            Notice(
                "A generation failed",
                f"{job.request.prompt}\n{reason}",
                actions=(("Show", lambda: self.bring_back(job)),),
                on_clicked=lambda: self.bring_back(job),
                about=(job.id,),
            )
        )

    def _tell_batch(self, batch_id: str) -> None:
        """One notice for a batch, once all its takes have ended (several notices with
        the same words would be merged, or stack up, on the desktop)."""
        takes = list(self._batch_of(batch_id))
        if not takes or not all(take.state.is_terminal for take in takes):
            return
        done = [take for take in takes if take.state is JobState.DONE]
        failed = len(takes) - len(done)
        if not done:
            self.notices.tell(
                Notice(f"{failed} takes failed", takes[0].request.prompt,
                       actions=(("Show", lambda: self.bring_back(takes[0])),),
                       on_clicked=lambda: self.bring_back(takes[0]),
                       about=tuple(take.id for take in takes))
            )  # fmt: skip
            return
        title = f"{len(done)} clips ready" + (f" · {failed} failed" if failed else "")
        self.notices.tell(self._ready(done, title, also=[t.id for t in takes]))

    def _ready(self, done: list[Job], title: str, also: Sequence[str] = ()) -> Notice:
        """Clips ready: the prompt and the seeds; Play plays the first, Show shows it."""
        first = done[0]
        seeds = [str(j.request.seed) for j in done if j.request.seed is not None]
        if not seeds:
            line = "seed picked by the service"
        else:
            line = ("seed " if len(seeds) == 1 else "seeds ") + ", ".join(seeds)
        return Notice(
            title,
            f"{first.request.prompt}\n{line}",
            actions=(("Play", lambda: self.bring_back(first, play=True)),
                     ("Show", lambda: self.bring_back(first))),
            on_clicked=lambda: self.bring_back(first),
            about=tuple(dict.fromkeys([*(j.id for j in done), *also])),
        )  # fmt: skip

    def bring_back(self, job: Job, *, play: bool = False) -> None:
        """The window in front, on `job` (and playing it, for Play)."""
        window = self._window
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()
        self._jobs.select(job.id)
        self.seen(job.id)
        if play and job.file_path is not None:
            self._player.play(str(job.file_path), job.request.prompt[:60])

    def _on_selection_changed(self, *_args: object) -> None:
        selected = self._selected_id()
        if selected is not None:
            self.seen(selected)
