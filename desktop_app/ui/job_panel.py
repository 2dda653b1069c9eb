"""JobPanel: every job, newest first, with state, progress, time and cost, and the actions
a creator takes on one (play, reveal, copy ids, stop following, forget, send again)."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QDesktopServices, QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.job import Job, JobAction, JobState
from desktop_app.domain.money import credits_to_usd, format_credits, format_usd
from desktop_app.domain.pricing import Quote
from desktop_app.domain.prompt import TYPICAL_SECONDS
from desktop_app.models.job_list_model import JOB_ROLE, JobListModel
from desktop_app.ui.labels import InfoLabel

STATE_COLOURS = {
    JobState.SUBMITTING: "#6c757d",
    JobState.UNKNOWN: "#e9a100",
    JobState.REJECTED: "#d62828",
    JobState.QUEUED: "#457b9d",
    JobState.GENERATING: "#1d70b8",
    JobState.DOWNLOADING: "#2a9d8f",
    JobState.DONE: "#2b9348",
    JobState.FAILED: "#d62828",
    JobState.LOST: "#9d0208",
}
STATE_SYMBOLS = {
    JobState.SUBMITTING: "↑",
    JobState.UNKNOWN: "?",
    JobState.REJECTED: "✕",
    JobState.QUEUED: "…",
    JobState.GENERATING: "⚙",
    JobState.DOWNLOADING: "↓",
    JobState.DONE: "✓",
    JobState.FAILED: "✕",
    JobState.LOST: "⌀",
}
ROW_HEIGHT = 64
THUMB = QSize(96, 54)


def elapsed_text(job: Job, now: float) -> str:
    end = job.finished_at if job.state.is_terminal and job.finished_at else now
    seconds = int(max(0, end - job.created_at))
    return f"{seconds // 60}:{seconds % 60:02d}"


def progress_of(job: Job, now: float) -> float | None:
    """0..1 for the bar: bytes while downloading, else time against the typical time."""
    if job.state is JobState.DOWNLOADING and job.bytes_total:
        return job.bytes_done / job.bytes_total
    if job.state in (JobState.QUEUED, JobState.GENERATING):
        key = (job.request.effective_resolution.value, job.request.effective_duration)
        typical = TYPICAL_SECONDS.get(key, 260)
        return min(0.99, (now - (job.submitted_at or job.created_at)) / typical)
    return None


def cost_text(job: Job) -> str:
    """The job row's money, saying which number it is."""
    if job.charged_credits == 0:
        return "not charged"
    if job.charged_usd is not None:
        return f"charged {format_usd(job.charged_usd)}"
    if job.estimate_usd is not None:
        return f"est. {format_usd(job.estimate_usd)}"
    if job.credits_used is not None:
        return f"{format_usd(credits_to_usd(job.credits_used))} reported"
    return ""


class JobDelegate(QStyledItemDelegate):
    def __init__(self, thumbnails: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._thumbnails = thumbnails
        self._cache: dict[str, QPixmap | None] = {}

    def thumbnail(self, job: Job) -> QPixmap | None:
        """The job's thumbnail, looked for on disk once (forget_thumbnail looks again)."""
        if job.id not in self._cache:
            path = self._thumbnails / f"{job.id}.png"
            self._cache[job.id] = (
                QPixmap(str(path)).scaled(
                    THUMB,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                if path.exists()
                else None
            )
        return self._cache[job.id]

    def forget_thumbnail(self, job_id: str) -> None:
        self._cache.pop(job_id, None)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(320, ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        job: Job = index.data(JOB_ROLE)
        style = option.widget.style() if option.widget else QGuiApplication.style()  # type: ignore[attr-defined]
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        painter.save()
        thumb_rect = QRect(rect.left(), rect.top(), THUMB.width(), THUMB.height())
        pixmap = self.thumbnail(job)
        if pixmap is not None:
            painter.drawPixmap(thumb_rect.topLeft(), pixmap)
        else:
            painter.fillRect(thumb_rect, palette.mid())
        text_left = thumb_rect.right() + 8
        width = rect.right() - text_left
        painter.setPen(text_colour)
        metrics = painter.fontMetrics()
        prompt = metrics.elidedText(
            " ".join(job.request.prompt.split()), Qt.TextElideMode.ElideRight, width
        )
        painter.drawText(text_left, rect.top() + metrics.ascent(), prompt)
        colour = QColor(STATE_COLOURS[job.state])
        painter.setPen(colour)
        now = time.time()
        state_text = f"{STATE_SYMBOLS[job.state]} {job.state.value}"
        if not job.followed and not job.state.is_terminal:
            state_text += " (not followed)"
        line2 = rect.top() + metrics.height() + metrics.ascent()
        painter.drawText(text_left, line2, state_text)
        painter.setPen(text_colour)
        info = f"{elapsed_text(job, now)}   {cost_text(job)}"
        painter.drawText(rect.right() - metrics.horizontalAdvance(info), line2, info)
        progress = progress_of(job, now)
        if progress is not None:
            bar = QStyleOptionProgressBar()
            bar.rect = QRect(text_left, rect.top() + 2 * metrics.height() + 4, width, 10)
            bar.minimum, bar.maximum = 0, 1000
            bar.progress = int(progress * 1000)
            style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
        painter.restore()


class JobPanel(QWidget):
    play_requested = Signal(str, str)
    stop_following_requested = Signal(str)
    follow_requested = Signal(str)
    forget_requested = Signal(str, bool)
    resubmit_requested = Signal(object)
    redownload_requested = Signal(str)
    reuse_requested = Signal(object)
    """A request to load into the composer."""

    def __init__(
        self, model: JobListModel, thumbnails: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.view = QListView()
        self.view.setModel(model)
        self.view.setAccessibleName("Jobs")
        self.delegate = JobDelegate(thumbnails, self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().currentChanged.connect(self._on_selection_current_changed)
        self.details = InfoLabel(
            "Job details", "Select a job to see what happened and what you can do."
        )
        # Long paths and ids wrap or clip; they never widen the panel.
        self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.buttons = QHBoxLayout()
        self.play_button = self._button(
            "Play", "Play the selected job's clip (Enter)", self.play_selected
        )
        self.stop_button = self._button(
            "Stop following",
            "Stop checking on this job. The API has no cancel: "
            "the service still renders and bills it.",
            self._emit_stop,
        )
        self.resend_button = self._button(
            "Send again",
            "Submit this request again as a new job (it is billed again)",
            self._emit_resubmit,
        )
        self.forget_button = self._button(
            "Forget…", "Remove this job from Wan Studio", self._confirm_forget
        )
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        layout.addLayout(self.buttons)
        model.dataChanged.connect(lambda *_: self._update_details())
        model.modelReset.connect(self._update_details)
        self._update_details()

    def _button(self, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def selected(self) -> Job | None:
        index = self.view.currentIndex()
        return index.data(JOB_ROLE) if index.isValid() else None

    def select(self, job_id: str) -> None:
        row = self.model.row_of(job_id)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row))

    # -- actions -----------------------------------------------------------------------------

    def play_selected(self) -> None:
        job = self.selected()
        if job is None:
            return
        if job.state is JobState.DONE and job.file_path and job.file_path.exists():
            self.play_requested.emit(str(job.file_path), f"Job {job.id}: {job.request.prompt[:60]}")
        elif job.video_url and job.state is JobState.DOWNLOADING:
            self.play_requested.emit(job.video_url, f"Job {job.id} (streaming until saved)")

    def _emit_stop(self) -> None:
        job = self.selected()
        if job is not None:
            if job.followed:
                self.stop_following_requested.emit(job.id)
            else:
                self.follow_requested.emit(job.id)

    def _emit_resubmit(self) -> None:
        job = self.selected()
        if job is not None:
            self.resubmit_requested.emit(job)

    def _confirm_forget(self) -> None:
        job = self.selected()
        if job is None:
            return
        box = QMessageBox(self)
        box.setWindowTitle("Forget this job?")
        box.setIcon(QMessageBox.Icon.Question)
        text = "Wan Studio will no longer list this job."
        if job.state in (JobState.QUEUED, JobState.GENERATING):
            text += " The API has no cancel: the service still renders it and bills it."
        box.setText(text)
        keep = box.addButton("Forget, keep the clip", QMessageBox.ButtonRole.AcceptRole)
        delete = None
        if job.file_path and job.file_path.exists():
            delete = box.addButton(
                "Forget and delete the clip", QMessageBox.ButtonRole.DestructiveRole
            )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() in (keep, delete):
            self.delegate.forget_thumbnail(job.id)
            self.forget_requested.emit(job.id, box.clickedButton() is delete)

    def _on_view_activated(self, _index: QModelIndex) -> None:
        self.play_selected()

    def _on_selection_current_changed(self, *_args: object) -> None:
        self._update_details()

    def _on_view_context_menu_requested(self, position: QPoint) -> None:
        job = self.selected()
        if job is None:
            return
        menu = QMenu(self)
        menu.addAction("Play", self.play_selected).setEnabled(self.play_button.isEnabled())
        saved = job.file_path
        if saved is not None and saved.exists():
            menu.addAction("Show in file manager", lambda: reveal(saved))
        if job.generation_id:
            menu.addAction("Copy generation id", lambda: copy_text(job.generation_id or ""))
        menu.addAction("Copy client request id", lambda: copy_text(job.client_request_id))
        menu.addAction(
            "Use these settings in the composer", lambda: self.reuse_requested.emit(job.request)
        )
        if JobAction.DOWNLOAD_AGAIN in job.actions():
            menu.addAction(
                "Download the clip again", lambda: self.redownload_requested.emit(job.id)
            )
        menu.addSeparator()
        for button in (self.stop_button, self.resend_button, self.forget_button):
            if button.isEnabled():
                action = QAction(button.text(), menu)
                action.triggered.connect(button.click)
                menu.addAction(action)
        menu.exec(self.view.viewport().mapToGlobal(position))

    def _update_details(self) -> None:
        job = self.selected()
        actions = job.actions() if job is not None else frozenset()
        self.play_button.setEnabled(JobAction.PLAY in actions)
        self.stop_button.setEnabled(
            bool(actions & {JobAction.STOP_FOLLOWING, JobAction.FOLLOW_AGAIN})
        )
        self.stop_button.setText(
            "Follow again" if JobAction.FOLLOW_AGAIN in actions else "Stop following"
        )
        self.resend_button.setEnabled(JobAction.SEND_AGAIN in actions)
        self.forget_button.setEnabled(JobAction.FORGET in actions)
        if job is None:
            self.details.setText("Select a job to see what happened and what you can do.")
        else:
            self.details.setText(describe(job, self.model.trouble_of(job.id)))


def describe(job: Job, trouble: str | None = None) -> str:
    """What happened to a job and what can be done, as plain text (it holds server text)."""
    lines = [f"{job.state.value} · job {job.id}"]
    if job.generation_id:
        short = job.generation_id if len(job.generation_id) <= 32 else job.generation_id[:31] + "…"
        lines.append(f"generation {short} (right-click to copy it)")
    if job.state is JobState.UNKNOWN:
        lines.append(
            "The connection failed after the request was sent: the service may or may not have "
            "received it. Wan Studio is looking for it in the service's request log and will "
            "follow it if it is there; it is never sent twice by itself. "
            f"Client request id: {job.client_request_id}"
        )
    if job.recovered_at is not None:
        lines.append("Recovered from the service's request log after its answer was lost.")
    if job.error:
        lines.append(job.error.message)
    if trouble:
        lines.append(trouble)
    lines.extend(money_lines(job))
    if job.state is JobState.DONE and job.file_path:
        lines.append(f"Saved as {job.file_path}")
    if not job.followed and not job.state.is_terminal:
        lines.append("Not followed: the service still renders it; Follow again picks it up.")
    return "\n".join(lines)


def money_lines(job: Job) -> list[str]:
    """The price quoted before sending and the charge, each with where it came from."""
    lines = []
    if job.estimate_usd is not None and job.estimate_source is not None:
        quote = Quote(job.estimate_usd, job.estimate_source)
        lines.append(f"Price quoted: {quote.explain()}")
    if job.charged_credits == 0:
        lines.append("Not charged (the provider's ledger)")
    elif job.charged_credits is not None:
        lines.append(f"Charged: {format_credits(job.charged_credits)} (the provider's ledger)")
    elif job.credits_used is not None:
        lines.append(f"Reported by the service: {format_credits(job.credits_used)}")
    return lines


def copy_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def reveal(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
