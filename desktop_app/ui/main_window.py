"""MainWindow: composes the composer, the player and the job panel on resizable splitters,
with menus, a status bar, the first-run key dialog, and (in demo mode) a DEMO badge.

It only composes: view state lives in `ViewState` (bound by the parts), submitting in
`Submitting`, the key and Settings in `SettingsFlow`, the draft and its undo in
`DraftKeeper`, menus and keys in `window_menus`, size and place in `WindowGeometry`."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter

from desktop_app.domain.job import Job, JobState
from desktop_app.domain.request import GenerationRequest, references_named
from desktop_app.meta import APP_NAME
from desktop_app.models.media_calls import stop_later
from desktop_app.ui.arrivals import Arrivals
from desktop_app.ui.compare import CompareWindow
from desktop_app.ui.composer import Composer
from desktop_app.ui.dialogs import show_error
from desktop_app.ui.draft_keeper import DraftKeeper
from desktop_app.ui.job_panel import JobPanel
from desktop_app.ui.player import PlayerWidget
from desktop_app.ui.reference_list import ReferenceList
from desktop_app.ui.settings_flow import SettingsFlow
from desktop_app.ui.sidecars import read_sidecar_request, sidecar_of
from desktop_app.ui.spending import BalanceLabel
from desktop_app.ui.submitting import Submitting
from desktop_app.ui.thumbnails import JobThumbnails
from desktop_app.ui.view_state import ViewState
from desktop_app.ui.window_geometry import WindowGeometry
from desktop_app.ui.window_menus import add_keys, build_menus, chain_tab_order
from desktop_app.ui.window_services import WindowServices

SAID_MS = 6000
"""How long the status bar shows what an action did."""


class MainWindow(QMainWindow):
    closed = Signal()
    demo_requested = Signal()

    def __init__(self, services: WindowServices) -> None:
        super().__init__()
        self.services = services
        self.controller = services.controller
        for part in (services.controller, services.account, services.model, services.grabber):
            part.setParent(self)  # they live and die with the window
        self.setWindowTitle(f"{APP_NAME} — DEMO" if services.demo else APP_NAME)
        self.state = ViewState(self)
        self.references = ReferenceList(
            services.check_reference, services.fetch_preview, services.grabber, services.tasks,
            demo=services.demo,
        )  # fmt: skip
        self.composer = Composer(
            self.references, services.quote, services.account.spending.left_today,
            self.state.sending,
        )  # fmt: skip
        self.player = PlayerWidget()
        self.jobs = JobPanel(services.model, services.thumbnails, self.state)
        self.arrivals = Arrivals(self, self.player, self.jobs, self.windowTitle(), services.notices)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.player)
        self.right.addWidget(self.jobs)
        self.main = QSplitter(Qt.Orientation.Horizontal)
        self.main.addWidget(self.composer)
        self.main.addWidget(self.right)
        self.main.setStretchFactor(1, 1)
        self.setCentralWidget(self.main)
        status = self.statusBar()
        self.settings_flow = SettingsFlow(
            self, status, services.keys, services.verify_key, services.settings_file,
            services.storage_keys, services.check_storage, services.tasks, services.library,
            demo_address=services.demo_address, on_saved=self.composer.refresh_price,
            on_demo_chosen=self.demo_requested.emit,
        )  # fmt: skip
        self.submitting = Submitting(
            self, services.controller, self.composer, self.references, services.quote,
            services.account, services.settings_file, self.state, status,
            key_ready=self.settings_flow.key_ready,
            open_settings=self.settings_flow.open_settings,
        )  # fmt: skip
        self.drafts = DraftKeeper(self.composer, services.draft, status)
        self._build_status_bar()
        build_menus(self)
        chain_tab_order(self)
        add_keys(self)
        self._connect()
        self._repaint = QTimer(self)
        self._repaint.setInterval(1000)
        self._repaint.timeout.connect(services.model.tick)
        self._repaint.start()
        self.thumbnails = JobThumbnails(
            services.model, services.grabber, services.thumbnails, self.jobs.delegate, self
        )
        services.model.reload()
        self.geometry_keeper = WindowGeometry(self, self.main, self.right, services.window_state)
        self.geometry_keeper.restore()
        self._last_job: str | None = None
        self._shown_once = False
        self.setAcceptDrops(True)
        if services.demo and services.sample_links:
            self.composer.samples_button.setVisible(True)
            self.composer.samples_button.clicked.connect(self.add_sample_references)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.demo_badge = QLabel(" DEMO: simulated service, nothing is billed ")
        self.demo_badge.setStyleSheet(
            "background:#e9a100;color:black;font-weight:bold;border-radius:3px"
        )
        self.demo_badge.setAccessibleName("Demo mode")
        self.demo_badge.setVisible(self.services.demo)
        status.addPermanentWidget(self.demo_badge)
        self.balance = BalanceLabel()
        status.addPermanentWidget(self.balance)
        self.state.spending.bind(self.balance.show_text)
        self._show_spending()

    def _connect(self) -> None:
        services, controller, jobs = self.services, self.controller, self.jobs
        self.references.play_requested.connect(self.player.play)
        jobs.play_requested.connect(self.player.play)
        jobs.stop_following_requested.connect(controller.stop_following)
        jobs.follow_requested.connect(controller.follow)
        jobs.forget_requested.connect(self._on_jobs_forget_requested)
        jobs.resubmit_requested.connect(controller.resubmit)
        jobs.redownload_requested.connect(controller.redownload)
        jobs.reuse_requested.connect(self.use_settings)
        jobs.run_again_requested.connect(self.submitting.run_again)
        jobs.compare_requested.connect(self.compare)
        jobs.told.connect(lambda text: self.statusBar().showMessage(text, SAID_MS))
        controller.job_changed.connect(self._on_controller_job_changed)
        controller.job_removed.connect(services.model.remove)
        controller.job_troubled.connect(self._on_controller_job_troubled)
        controller.problem_raised.connect(lambda title, text: show_error(self, title, text))
        controller.key_refused.connect(self.settings_flow.key_refused)
        controller.request_refused.connect(
            lambda job: self.references.mark_refused(references_named(job.error.message))
        )
        controller.submission_finished.connect(lambda _sent: self._show_spending())
        # Settings is modal: opened after the task that found the problem, never inside it.
        queued = Qt.ConnectionType.QueuedConnection
        controller.settings_refused.connect(self.settings_flow.open_settings, queued)
        controller.storage_needed.connect(self.settings_flow.open_settings, queued)
        controller.upload_progressed.connect(self.references.show_upload)
        controller.charge_recorded.connect(
            lambda _job: services.account.refresh_balance(force=True)
        )
        controller.job_ended.connect(lambda _job: services.account.refresh_balance())
        services.account.balance_changed.connect(lambda _balance: self._show_spending())
        services.account.prices_changed.connect(self.composer.refresh)
        services.account.health_changed.connect(self.composer.show_notice)
        self.balance.refresh_requested.connect(services.account.refresh_balance)

    def start(self) -> None:
        """Follow what is unfinished, and ask for prices, the balance and the model's health."""
        self.controller.start()
        self.services.account.start()

    def welcome(self) -> None:
        self.settings_flow.welcome()

    # -- the draft ---------------------------------------------------------------------------

    def new_request(self) -> None:
        def empty() -> None:
            self.references.set_links([])
            self.composer.prompt.clear()
            self.composer.negative.clear()

        self.drafts.replace("New request: the composer is empty.", empty)

    def use_settings(self, request: GenerationRequest) -> None:
        self.drafts.replace(
            "The job's settings are in the composer.", lambda: self.composer.load(request)
        )

    def add_sample_references(self) -> None:
        self.references.add_links(list(self.services.sample_links))
        if not self.composer.prompt.toPlainText().strip():
            self.composer.prompt.setPlainText(
                "character1 and character2 meet on a sunny beach and wave at the camera"
            )

    def open_library(self) -> None:
        self.services.library.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.services.library)))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if sidecar_of(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """A sidecar dropped on the window puts its settings in the composer."""
        sidecar = sidecar_of(event.mimeData())
        if sidecar is None:
            return
        event.acceptProposedAction()
        request = read_sidecar_request(sidecar)
        if request is None:
            self.statusBar().showMessage(
                f"{sidecar.name} is not a Wan Studio sidecar: its settings cannot be used.", 8000
            )
            return
        self.drafts.replace(
            f"The settings of {sidecar.name} are in the composer.",
            lambda: self.composer.load(request),
        )

    # -- jobs --------------------------------------------------------------------------------

    def compare(self, first: Job, second: Job) -> CompareWindow:
        """Play two finished takes side by side, in step."""
        self.player.player.pause()
        window = CompareWindow(first, second, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    def copy_selected_clip(self) -> None:
        job = self.state.selected_job.value
        if job is None or job.state is not JobState.DONE:
            self.statusBar().showMessage("Select a finished job to copy its clip.", SAID_MS)
            return
        self.jobs.copy_clip(job)

    def _show_spending(self) -> None:
        self.state.spending.set(self.services.account.status_text())

    def _on_controller_job_changed(self, job: Job) -> None:
        model = self.services.model
        known = model.known(job.id)  # as it was shown: never read again, already changed
        before = known.state if known is not None else None
        model.upsert(job)
        self.arrivals.changed(before, job)
        if job.state is not JobState.DOWNLOADING:  # downloads change many times a second
            self._show_spending()
        if job.state is JobState.SUBMITTING:
            self.jobs.select(job.id)
            self._last_job = job.id
        if job.id == self._last_job:
            self.composer.show_cost(job)
        self.thumbnails.want(job)

    def _on_controller_job_troubled(self, job: Job, sentence: str) -> None:
        self.services.model.set_trouble(job, sentence)
        self.statusBar().showMessage(f"Job {job.id}: {sentence}", 15000)

    def _on_jobs_forget_requested(self, job_id: str, delete_file: bool) -> None:
        self.controller.forget(job_id, delete_file=delete_file)
        self.thumbnails.forget(job_id)
        self.statusBar().showMessage(
            f"Job {job_id} is forgotten" + (", and its clip deleted." if delete_file else "."),
            SAID_MS,
        )

    # -- the window --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self.geometry_keeper.fit_on_screen)  # once framed

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.arrivals.window_activated()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.player.set_fullscreen(False)
        self.drafts.stop()
        self.composer.stop_timers()
        self.geometry_keeper.save()
        stop_later(self.player.player)
        self.services.grabber.cancel()
        super().closeEvent(event)
        self.closed.emit()
