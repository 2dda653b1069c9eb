"""MainWindow: composer, player and job panel on resizable splitters, with menus, a
status bar, the first-run key dialog, and (in demo mode) a DEMO badge."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QWidget,
)

from desktop_app.domain.job import Job, JobState
from desktop_app.domain.request import GenerationRequest, is_local_url, references_named
from desktop_app.meta import APP_NAME
from desktop_app.models.account_watch import AccountWatch
from desktop_app.models.draft_store import DraftStore
from desktop_app.models.frame_grabber import FrameGrabber
from desktop_app.models.job_controller import JobController
from desktop_app.models.job_list_model import JobListModel
from desktop_app.models.media_calls import stop_later
from desktop_app.secrets.active_key import ActiveKey
from desktop_app.secrets.keystore import KeyringUnavailableError
from desktop_app.secrets.storage_keys import StorageKeys
from desktop_app.settings import Settings, SettingsError, SettingsFile
from desktop_app.tasks import TaskGroup
from desktop_app.ui.arrivals import Arrivals
from desktop_app.ui.compare import CompareWindow
from desktop_app.ui.composer import Composer, QuoteRequests
from desktop_app.ui.dialogs import (
    KEYS_PAGE,
    KeyDialog,
    SettingsDialog,
    VerifyKey,
    show_about,
    show_error,
    show_key_refused,
)
from desktop_app.ui.job_panel import JobPanel
from desktop_app.ui.player import PlayerWidget
from desktop_app.ui.reference_list import CheckReference, FetchPreview, ReferenceList
from desktop_app.ui.sidecars import read_sidecar_request, sidecar_of
from desktop_app.ui.spending import BalanceLabel, confirm_run_again, confirm_spending
from desktop_app.ui.storage_settings import CheckStorage, StorageBox
from desktop_app.ui.thumbnails import JobThumbnails


@dataclass(frozen=True)
class WindowServices:
    """What the window needs from the rest of the app, built by app.py."""

    controller: JobController
    account: AccountWatch
    quote: QuoteRequests
    model: JobListModel
    draft: DraftStore
    grabber: FrameGrabber
    tasks: TaskGroup
    check_reference: CheckReference
    fetch_preview: FetchPreview
    keys: ActiveKey
    verify_key: VerifyKey
    settings_file: SettingsFile
    storage_keys: StorageKeys
    check_storage: CheckStorage
    window_state: QSettings
    library: Path
    thumbnails: Path
    logs: Path
    demo: bool
    sample_links: tuple[str, ...] = ()


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
        self.references = ReferenceList(
            services.check_reference, services.fetch_preview, services.grabber, services.tasks,
            demo=services.demo,
        )  # fmt: skip
        self.composer = Composer(
            self.references, services.quote, services.account.spending.left_today
        )
        self.player = PlayerWidget()
        self.jobs = JobPanel(services.model, services.thumbnails)
        self.arrivals = Arrivals(self, self.player, self.jobs, self.windowTitle())

        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.player)
        self.right.addWidget(self.jobs)
        self.main = QSplitter(Qt.Orientation.Horizontal)
        self.main.addWidget(self.composer)
        self.main.addWidget(self.right)
        self.main.setStretchFactor(1, 1)
        self.setCentralWidget(self.main)
        self._build_menus()
        self.demo_badge = QLabel(" DEMO: simulated service, nothing is billed ")
        self.demo_badge.setStyleSheet(
            "background:#e9a100;color:black;font-weight:bold;border-radius:3px"
        )
        self.demo_badge.setAccessibleName("Demo mode")
        self.demo_badge.setVisible(services.demo)
        self.statusBar().addPermanentWidget(self.demo_badge)
        self.balance = BalanceLabel()
        self.statusBar().addPermanentWidget(self.balance)
        self._show_spending()
        self._chain_tab_order()

        # With a job selected, the player's keys work from the job list too.
        for keys, slot in (
            ("Space", self.player.toggle_play),
            (",", lambda: self.player.step(-1)),
            (".", lambda: self.player.step(1)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.jobs.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        stop_upload = QShortcut(QKeySequence("Esc"), self.composer)
        stop_upload.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        stop_upload.activated.connect(self.controller.cancel_upload)
        self.composer.generate_requested.connect(self._on_composer_generate_requested)
        self.references.play_requested.connect(self.player.play)
        self.jobs.play_requested.connect(self.player.play)
        self.jobs.stop_following_requested.connect(self.controller.stop_following)
        self.jobs.follow_requested.connect(self.controller.follow)
        self.jobs.forget_requested.connect(self._on_jobs_forget_requested)
        self.jobs.resubmit_requested.connect(self._on_jobs_resubmit_requested)
        self.jobs.redownload_requested.connect(self.controller.redownload)
        self.jobs.reuse_requested.connect(self.composer.load)
        self.jobs.run_again_requested.connect(self.run_again)
        self.jobs.compare_requested.connect(self.compare)
        self._last_job: str | None = None
        self.setAcceptDrops(True)
        self.controller.job_changed.connect(self._on_controller_job_changed)
        self.controller.job_removed.connect(services.model.remove)
        self.controller.job_troubled.connect(self._on_controller_job_troubled)
        self.controller.problem_raised.connect(lambda title, text: show_error(self, title, text))
        self.controller.key_refused.connect(self._on_controller_key_refused)
        self.controller.request_refused.connect(
            lambda job: self.references.mark_refused(references_named(job.error.message))
        )
        self.controller.submission_finished.connect(self._on_controller_submission_finished)
        # Settings is modal: opened after the task that found the problem, never inside it.
        queued = Qt.ConnectionType.QueuedConnection
        self.controller.settings_refused.connect(self.open_settings, queued)
        self.controller.storage_needed.connect(self.open_settings, queued)
        self.controller.upload_progressed.connect(self.references.show_upload)
        self.controller.charge_recorded.connect(
            lambda _job: services.account.refresh_balance(force=True)
        )
        self.controller.job_ended.connect(lambda _job: services.account.refresh_balance())
        services.account.balance_changed.connect(lambda _balance: self._show_spending())
        services.account.prices_changed.connect(self.composer.refresh)
        services.account.health_changed.connect(self.composer.show_notice)
        self.balance.refresh_requested.connect(services.account.refresh_balance)
        self._repaint = QTimer(self)
        self._repaint.setInterval(1000)
        self._repaint.timeout.connect(services.model.tick)
        self._repaint.start()
        self.thumbnails = JobThumbnails(
            services.model, services.grabber, services.thumbnails, self.jobs.delegate, self
        )
        services.model.reload()
        self._restore_state()
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(500)
        self._draft_timer.timeout.connect(self._save_draft)
        saved = services.draft.load()
        if saved is not None:
            self.composer.restore(saved)
        self.composer.edited.connect(self._draft_timer.start)
        if services.demo and services.sample_links:
            self.composer.samples_button.setVisible(True)
            self.composer.samples_button.clicked.connect(self.add_sample_references)

    def _chain_tab_order(self) -> None:
        """Tab goes as the eye reads: the composer top to bottom, then the jobs, then the
        player."""
        refs, composer, jobs = self.references, self.composer, self.jobs
        chain: list[QWidget] = [
            refs.list, refs.url_field, refs.add_button, refs.remove_button,
            composer.prompt, composer.negative, *composer.aspect.buttons.values(),
            *composer.resolution.buttons(), *composer.duration.buttons(), composer.enhance,
            composer.shot_type, composer.seed.field, composer.seed.dice, composer.seed.lock,
            composer.variations, composer.generate_button,
            jobs.filters.search, jobs.filters.sort, jobs.filters.grid, jobs.filters.state,
            jobs.filters.date, jobs.filters.resolution, jobs.filters.duration,
            jobs.filters.aspect, jobs.view, jobs.play_button, jobs.stop_button,
            jobs.resend_button, jobs.forget_button, jobs.compare_button, self.player,
        ]  # fmt: skip
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def start(self) -> None:
        """Follow what is unfinished, and ask for prices, the balance and the model's health."""
        self.controller.start()
        self.services.account.start()

    # -- menus -------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction("&New request", QKeySequence.StandardKey.New, self._on_new_request)
        if self.services.demo:
            file_menu.addAction("Add &sample references", self.add_sample_references)
        file_menu.addAction("Open &library folder", self._open_library)
        file_menu.addSeparator()
        settings = file_menu.addAction("&Settings…", self.open_settings)
        # The platform's Preferences key is empty on some Linux desktops: Ctrl+, always works.
        settings.setShortcuts(
            [
                QKeySequence("Ctrl+,"),
                *QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences),
            ]
        )
        file_menu.addSeparator()
        file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit, self.close)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(
            "&Paste reference link", QKeySequence("Ctrl+Shift+V"), self.references.paste
        )
        edit_menu.addAction("&Remove selected reference", self.references.remove_selected)
        edit_menu.addAction(
            "&Generate", QKeySequence("Ctrl+Return"), self.composer.generate_button.click
        )
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction("Play selected &job", QKeySequence("Ctrl+P"), self.jobs.play_selected)
        view_menu.addAction("Refresh &balance", lambda: self.services.account.refresh_balance())
        view_menu.addAction(
            "Focus &references", QKeySequence("Ctrl+1"), self.references.list.setFocus
        )
        view_menu.addAction("Focus &prompt", QKeySequence("Ctrl+2"), self.composer.prompt.setFocus)
        view_menu.addAction("Focus &jobs", QKeySequence("Ctrl+3"), self.jobs.view.setFocus)
        view_menu.addAction("Focus the pla&yer", QKeySequence("Ctrl+4"), self.player.setFocus)
        view_menu.addAction(
            "&Fullscreen player", QKeySequence("F11"), self.player.toggle_fullscreen
        )
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("Get an API &key", lambda: QDesktopServices.openUrl(QUrl(KEYS_PAGE)))
        help_menu.addAction(
            "Open &log folder",
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.services.logs))),
        )
        help_menu.addAction(f"&About {APP_NAME}", lambda: show_about(self))

    def add_sample_references(self) -> None:
        self.references.add_links(list(self.services.sample_links))
        if not self.composer.prompt.toPlainText().strip():
            self.composer.prompt.setPlainText(
                "character1 and character2 meet on a sunny beach and wave at the camera"
            )

    def _on_new_request(self) -> None:
        self.references.set_links([])
        self.composer.prompt.clear()
        self.composer.negative.clear()

    def _open_library(self) -> None:
        self.services.library.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.services.library)))

    def open_settings(self, problem: SettingsError | str | None = None) -> None:
        """The Settings dialog; with `problem`, on the value at fault (a SettingsError) or
        on its Storage part (a sentence about storage), saying what it is."""
        settings = self.services.settings_file.load()
        storage = self._storage_box(settings)
        dialog = SettingsDialog(
            settings, self.services.keys.status().describe(), str(self.services.library), self,
            storage=storage,
        )  # fmt: skip
        if isinstance(problem, SettingsError):
            dialog.show_problem(problem)
        elif isinstance(problem, str):
            storage.show_problem(problem)
        dialog.replace_key.clicked.connect(self.replace_key)
        dialog.remove_key.clicked.connect(lambda: self._remove_key(dialog))
        if dialog.exec():
            keys = storage.new_keys()
            try:
                if keys is not None:
                    self.services.storage_keys.set(*keys)
            except KeyringUnavailableError as error:
                show_error(self, "The storage keys were not stored", str(error))
            self.services.settings_file.save(dialog.settings(settings))
            self.composer.refresh_price()
            self.statusBar().showMessage(
                "Settings saved. Base URL and interval apply from the next start.", 8000
            )

    def _storage_box(self, settings: Settings) -> StorageBox:
        keys = self.services.storage_keys

        def stored() -> tuple[str, str] | None:
            found = keys.get()
            return (found.key_id, found.secret) if found else None

        return StorageBox(settings, stored, self.services.check_storage, self.services.tasks)

    def _remove_key(self, dialog: SettingsDialog) -> None:
        try:
            removed = self.services.keys.remove()
        except KeyringUnavailableError as error:
            dialog.key_status.setText(str(error))
            return
        dialog.key_status.setText(
            "The stored key was removed." if removed else "No key was stored."
        )

    # -- the key -----------------------------------------------------------------------------

    def replace_key(self) -> None:
        """Ask for a new key (a slot: it returns nothing to Qt)."""
        self.ask_for_key(welcome=False)

    def welcome(self) -> None:
        """The first-run dialog (a slot: it returns nothing to Qt)."""
        self.ask_for_key(welcome=True)

    def ask_for_key(self, *, welcome: bool) -> bool:
        dialog = KeyDialog(
            self.services.keys,
            self.services.verify_key,
            self.services.tasks,
            welcome=welcome,
            parent=self,
        )
        if not dialog.exec():
            return False
        if dialog.demo_chosen:
            self.demo_requested.emit()
            return False
        self.statusBar().showMessage("The API key is ready.", 5000)
        return True

    def _on_controller_key_refused(self, message: str) -> None:
        """A 401: say so, where the key comes from, and offer to replace it."""
        from_environment = self.services.keys.from_environment and not self.services.demo
        show_key_refused(self, message, from_environment, self.replace_key)

    # -- jobs --------------------------------------------------------------------------------

    def _on_composer_generate_requested(self, requests: list[GenerationRequest]) -> None:
        if not self.controller.key_ready() and not (
            self.ask_for_key(welcome=False) and self.controller.key_ready()
        ):
            return
        quote = self.services.quote(requests)
        try:
            settings = self.services.settings_file.money()
        except SettingsError as error:
            self.open_settings(error)
            return
        # Over today's limit (the button says so): no question first, the refusal says why.
        if not self.composer.over_limit(quote) and not confirm_spending(
            self, quote, self.services.account.balance, settings.confirm_above_usd,
            self.composer.concerns(),
        ):  # fmt: skip
            return
        # One activation, one submission: the button is inert until it has been sent.
        self.references.forget_refusals()
        self.composer.set_sending(True)
        self.controller.submit(requests)
        local = any(is_local_url(url) for url in requests[0].video_urls)
        self.statusBar().showMessage(
            "Uploading your clips to your storage… (Esc stops the upload)"
            if local
            else "Sending the request…"
        )

    def compare(self, first: Job, second: Job) -> CompareWindow:
        """Play two finished takes side by side, in step."""
        self.player.player.pause()
        window = CompareWindow(first, second, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    def run_again(self, job: Job) -> None:
        """Submit a job's request again as a new job, after showing what it costs."""
        if confirm_run_again(self, self.services.quote([job.request])):
            self.composer.set_sending(True)
            self.controller.resubmit(job)

    # -- a sidecar dropped on the window restores its settings -------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if sidecar_of(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
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
        self.composer.load(request)
        self.statusBar().showMessage(f"The settings of {sidecar.name} are in the composer.", 8000)

    def _on_controller_submission_finished(self, sent: bool) -> None:
        self.references.uploads_over()
        if sent:
            self.composer.sent()  # a refused request keeps the draft whole, its seed too
        self.composer.set_sending(False)
        self.composer.refresh_price()
        self.statusBar().clearMessage()
        self._show_spending()

    def _show_spending(self) -> None:
        self.balance.show_text(self.services.account.status_text())

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

    def _on_jobs_resubmit_requested(self, job: Job) -> None:
        self.controller.resubmit(job)

    # -- window state ------------------------------------------------------------------------

    def _restore_state(self) -> None:
        state = self.services.window_state
        geometry = state.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
            self.main.setSizes([540, 740])
            self.right.setSizes([430, 370])
        for key, splitter in (("main_splitter", self.main), ("right_splitter", self.right)):
            saved = state.value(key)
            if isinstance(saved, QByteArray):
                splitter.restoreState(saved)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.arrivals.window_activated()
        super().changeEvent(event)

    def _save_draft(self) -> None:
        self.services.draft.save(self.composer.draft())

    def closeEvent(self, event: QCloseEvent) -> None:
        self._draft_timer.stop()
        self.composer.stop_timers()
        self._save_draft()
        state = self.services.window_state
        state.setValue("geometry", self.saveGeometry())
        state.setValue("main_splitter", self.main.saveState())
        state.setValue("right_splitter", self.right.saveState())
        state.sync()
        stop_later(self.player.player)
        self.services.grabber.cancel()
        super().closeEvent(event)
        self.closed.emit()
