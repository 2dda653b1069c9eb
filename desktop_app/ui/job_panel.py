"""JobPanel: the jobs (searched, filtered, sorted; a list or a grid), what happened to the
selected one, and the actions a creator takes on it (play, reveal, copy the clip or ids,
stop following, forget, send again, download again). Each action says what it did, or why
it could not; a finished clip is dragged out of the list as its file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.job import Job, JobAction, JobState
from desktop_app.qt.clip_files import clip_mime
from desktop_app.qt.job_list_model import JOB_ROLE, JobListModel
from desktop_app.qt.properties import bind_two_way
from desktop_app.ui.job_delegate import JobDelegate
from desktop_app.ui.job_filters import JobFilterBar
from desktop_app.ui.job_menu import job_menu
from desktop_app.ui.labels import InfoLabel
from desktop_app.ui.money_text import money_lines
from desktop_app.ui.view_state import ViewState

LAYOUT_BATCH = 1000
DETAIL_LINES = 5


class JobPanel(QWidget):
    play_requested = Signal(str, str)
    stop_following_requested = Signal(str)
    follow_requested = Signal(str)
    forget_requested = Signal(str, bool)
    resubmit_requested = Signal(object)
    redownload_requested = Signal(str)
    reuse_requested = Signal(object)
    continue_requested = Signal(object)
    keep_requested = Signal(object)
    """A Take of a job's request, to keep as a character."""
    """A finished Job whose last frame starts a new clip."""
    run_again_requested = Signal(object)
    """A job whose request is to be submitted again as a new job, once its price is shown."""
    compare_requested = Signal(object, object)
    """Two finished jobs to play side by side."""
    told = Signal(str)
    """What an action did, or why it could not: a sentence for the status bar."""

    def __init__(self, thumbnails: Path, state: ViewState, parent: QWidget | None = None) -> None:
        """The panel, shown empty at once; `attach` brings the jobs."""
        super().__init__(parent)
        self.model: JobListModel | None = None
        self.state = state
        self.view = QListView()
        self.view.setAccessibleName("Jobs")
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.delegate = JobDelegate(thumbnails, self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)
        # A long history is laid out a batch per turn of the loop: a new search or filter
        # shows its first rows at once (Qt asks the model about every row it lays out).
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setBatchSize(LAYOUT_BATCH)
        self.filters = JobFilterBar()
        bind_two_way(state.grid, self.show_grid, self.filters.grid.toggled)
        self.empty = QLabel()
        self.empty.setAccessibleName("No jobs shown")
        self.clear_filters = QPushButton("Clear search and filters")
        self.clear_filters.clicked.connect(self.filters.clear)
        # Said inside the empty list, over it: the list never moves when a search finds
        # nothing, nor when it finds something again.
        self.empty_note = QWidget(self.view.viewport())
        empty_row = QHBoxLayout(self.empty_note)
        empty_row.addWidget(self.empty, 1)
        empty_row.addWidget(self.clear_filters)
        self.view.viewport().installEventFilter(self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        self.view.activated.connect(self._on_view_activated)
        self.view.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        state.selected_job.changed.connect(self._on_state_selected_job_changed)
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
        self.compare_button = self._button(
            "Compare",
            "Play two finished jobs side by side, in step (select two with Ctrl or Shift)",
            self._emit_compare,
        )
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.view, 1)
        # A long story scrolls in a few lines: the list keeps its rows.
        details_area = QScrollArea()
        details_area.setWidgetResizable(True)
        details_area.setFrameShape(QFrame.Shape.NoFrame)
        details_area.setWidget(self.details)
        details_area.setMaximumHeight(self.fontMetrics().lineSpacing() * DETAIL_LINES + 8)
        layout.addWidget(details_area)
        layout.addLayout(self.buttons)
        self.empty.setText("Reading your jobs…")
        self._show_details(None)

    def attach(self, model: JobListModel) -> None:
        """The jobs (the engine, after the first frame)."""
        self.model = model
        self.view.setModel(model)
        self.filters.changed.connect(model.set_filter)
        self.view.selectionModel().currentChanged.connect(self._on_selection_current_changed)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_current_changed)
        model.dataChanged.connect(self._on_model_data_changed)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._on_rows_changed)
        self._on_rows_changed()

    def _button(self, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def show_grid(self, grid: bool) -> None:
        """Thumbnails in a grid, or rows in a list."""
        self.filters.grid.setChecked(grid)
        self.delegate.grid = grid
        self.view.setViewMode(QListView.ViewMode.IconMode if grid else QListView.ViewMode.ListMode)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        # Static movement turns dragging off (QListView::setMovement): a finished job's row
        # or tile drags out as its file again. Nothing drops in.
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setWrapping(grid)
        self.view.setSpacing(4 if grid else 0)
        self.view.scheduleDelayedItemsLayout()

    def selected_jobs(self) -> list[Job]:
        """Every selected job, in list order."""
        model = self.model
        if model is None:
            return []
        rows = sorted(index.row() for index in self.view.selectionModel().selectedIndexes())
        jobs = (model.index(row).data(JOB_ROLE) for row in rows)
        return [job for job in jobs if job is not None]  # None: forgotten elsewhere just now

    def comparable(self) -> tuple[Job, Job] | None:
        jobs = [j for j in self.selected_jobs() if JobAction.PLAY in j.actions()]
        done = [j for j in jobs if j.state is JobState.DONE]
        return (done[0], done[1]) if len(done) == 2 and len(self.selected_jobs()) == 2 else None

    def _emit_compare(self) -> None:
        pair = self.comparable()
        if pair is not None:
            self.compare_requested.emit(*pair)

    def selected(self) -> Job | None:
        index = self.view.currentIndex()
        return index.data(JOB_ROLE) if index.isValid() else None

    def select(self, job_id: str) -> None:
        model = self.model
        if model is None:
            return
        row = model.row_of(job_id)
        if row is None and self.filters.narrowed():  # hidden by a search: show every job
            self.filters.clear()
            row = model.row_of(job_id)
        if row is not None:
            self.view.setCurrentIndex(model.index(row))

    # -- actions -----------------------------------------------------------------------------

    def play_selected(self) -> None:
        job = self.selected()
        if job is None:
            return
        if job.state is JobState.DONE and job.file_path and job.file_path.exists():
            self.play_requested.emit(str(job.file_path), f"Job {job.id}: {job.request.prompt[:60]}")

    def _emit_stop(self) -> None:
        job = self.selected()
        if job is not None:
            if job.followed:
                self.stop_following_requested.emit(job.id)
                self.told.emit(
                    f"Stopped following job {job.id}: the service still renders it. "
                    "Follow again (the same button) picks it up."
                )
            else:
                self.follow_requested.emit(job.id)
                self.told.emit(f"Following job {job.id} again.")

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
        box.setTextFormat(Qt.TextFormat.PlainText)  # the prompt is the creator's text
        prompt = " ".join(job.request.prompt.split())
        shown = prompt if len(prompt) <= 80 else prompt[:79] + "…"
        text = f"Wan Studio will no longer list job {job.id} (“{shown}”)."
        if job.state.is_rendering:
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
        job = self.selected()
        if job == self.state.selected_job.value:
            self._show_details(job)  # the buttons follow the selection of several jobs
        else:
            self.state.selected_job.set(job)

    def _on_view_context_menu_requested(self, position: QPoint) -> None:
        job = self.selected()
        if job is not None:
            job_menu(self, job).exec(self.view.viewport().mapToGlobal(position))

    # -- what each action did ----------------------------------------------------------------

    def copy_clip(self, job: Job) -> None:
        """The clip's file on the clipboard, to paste into a file manager or an editor."""
        path = job.file_path
        if path is None or not path.is_file():
            self.told.emit(f"The clip of job {job.id} is not on this computer any more.")
            return
        QGuiApplication.clipboard().setMimeData(clip_mime([path]))
        self.told.emit(f"Copied the clip {path.name}: paste it into a folder or an editor.")

    def reveal(self, job: Job) -> None:
        path = job.file_path
        if path is None or not path.is_file():
            self.told.emit(f"The clip of job {job.id} is not on this computer any more.")
            return
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))):
            self.told.emit(f"Opened the folder of {path.name} in your file manager.")
        else:
            self.told.emit(f"No file manager could be opened. The clip is at {path}")

    def copy_text(self, what: str, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.told.emit(f"Copied the {what} {text}.")

    def download_again(self, job: Job) -> None:
        self.redownload_requested.emit(job.id)
        self.told.emit(f"Downloading the clip of job {job.id} again…")

    # -- what is shown -----------------------------------------------------------------------

    def _on_rows_changed(self, *_args: object) -> None:
        """An empty list says why, and offers to show every job when a filter hid them."""
        narrowed = self.filters.narrowed()
        empty = self.model is not None and self.model.rowCount() == 0
        self.empty.setText(
            "No job matches this search or filter." if narrowed
            else "No jobs yet: each Generate appears here, and stays after a restart."
        )  # fmt: skip
        self.empty.setVisible(empty)
        self.clear_filters.setVisible(empty and narrowed)
        self.empty_note.setVisible(empty)
        self._place_empty_note()
        self._on_selection_current_changed()

    def _on_state_selected_job_changed(self, job: Job | None) -> None:
        if job is not None and self.selected() != job:
            self.select(job.id)
        self._show_details(job)

    def _on_model_data_changed(self, top: QModelIndex, bottom: QModelIndex) -> None:
        """Running rows change every second: only the selected one's details are redone."""
        current = self.view.currentIndex()
        if current.isValid() and top.row() <= current.row() <= bottom.row():
            self._on_selection_current_changed()

    def _place_empty_note(self) -> None:
        viewport = self.view.viewport()
        height = self.empty_note.sizeHint().height()
        self.empty_note.setGeometry(0, 0, viewport.width(), height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._place_empty_note()
        return super().eventFilter(watched, event)

    def _show_details(self, job: Job | None) -> None:
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
        self.compare_button.setEnabled(self.comparable() is not None)
        if job is None:
            self.details.setText("Select a job to see what happened and what you can do.")
        else:
            trouble = self.model.trouble_of(job.id) if self.model is not None else None
            self.details.setText(describe(job, trouble))


def describe(job: Job, trouble: str | None = None) -> str:
    """What happened to a job and what can be done, as plain text (it holds server text)."""
    lines = [f"{job.state.value} · job {job.id} · {job.request.model_name}"]
    if job.continues:
        lines.append(f"Continues job {job.continues}: it starts from that clip's last frame.")
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
    if note := job.delivery_note():
        lines.append(f"Not what was asked: {note}.")
    if not job.followed and not job.state.is_terminal:
        lines.append("Not followed: the service still renders it; Follow again picks it up.")
    return "\n".join(lines)
