"""The job list's context menu: what can be done with one job, from playing its clip to
keeping one of its references as a character."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from desktop_app.domain.character import Take
from desktop_app.domain.job import Job, JobAction, JobState
from desktop_app.domain.prompt import IMAGE, VIDEO
from desktop_app.ui.reference_rows import describe_link

if TYPE_CHECKING:
    from desktop_app.ui.job_panel import JobPanel


def job_menu(panel: JobPanel, job: Job) -> QMenu:
    menu = QMenu(panel)
    menu.addAction("Play", panel.play_selected).setEnabled(panel.play_button.isEnabled())
    has_clip = job.state is JobState.DONE and job.file_path is not None
    if has_clip:
        menu.addAction("Copy clip", lambda: panel.copy_clip(job))
        menu.addAction("Show in file manager", lambda: panel.reveal(job))
    if job.generation_id:
        menu.addAction(
            "Copy generation id", lambda: panel.copy_text("generation id", job.generation_id or "")
        )
    menu.addAction(
        "Copy client request id",
        lambda: panel.copy_text("client request id", job.client_request_id),
    )
    menu.addAction(
        "Use these settings in the composer",
        lambda: panel.reuse_requested.emit(job.request_as_made()),
    )
    if has_clip:
        menu.addAction(
            "Continue from last frame", lambda: panel.continue_requested.emit(job)
        ).setToolTip("A new Wan 2.7 request that starts where this clip ends")
    menu.addAction("Run again…", lambda: panel.run_again_requested.emit(job))
    if JobAction.DOWNLOAD_AGAIN in job.actions():
        menu.addAction("Download the clip again", lambda: panel.download_again(job))
    keep = menu.addMenu("Keep a reference as a character")
    for take in takes_of(job):
        action = keep.addAction(f"{describe_link(take.ref)[1]}…")
        action.triggered.connect(lambda _=False, t=take: panel.keep_requested.emit(t))
    keep.setEnabled(not keep.isEmpty())
    menu.addSeparator()
    for button in (panel.stop_button, panel.resend_button, panel.forget_button):
        if button.isEnabled():
            action = QAction(button.text(), menu)
            action.triggered.connect(button.click)
            menu.addAction(action)
    return menu


def takes_of(job: Job) -> list[Take]:
    """The job's references as the creator gave them (their own files, not expired
    links), clips first."""
    request = job.request_as_made()
    return [*(Take(VIDEO, url) for url in request.video_urls),
            *(Take(IMAGE, url) for url in request.image_urls)]  # fmt: skip
