"""MainWindow: composes the composer, the player and the job panel on resizable splitters,
with menus, a status bar, the first-run key dialog, and (in demo mode) a DEMO badge.

It comes in two steps. Built from `WindowBasics`, it is the first frame: the draft in the
composer, the player, an empty job list; nothing of it imports the engine (no network,
keyring or journal). `attach` then brings the engine's services, and with them prices,
checks, jobs and everything that changes them.

It only composes: view state lives in `ViewState` (bound by the parts), submitting in
`Submitting`, the key and Settings in `SettingsFlow`, the draft and its undo in
`DraftKeeper`, menus and keys in `window_menus`, size and place in `WindowGeometry`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QSplitter

from desktop_app.domain.character import Character
from desktop_app.domain.job import Job, JobState
from desktop_app.domain.prompt import VIDEO
from desktop_app.domain.references import local_path
from desktop_app.domain.request import references_named
from desktop_app.meta import APP_NAME
from desktop_app.ui.character_keeping import CharacterKeeping
from desktop_app.ui.character_panel import CharacterPanel
from desktop_app.ui.composer import Composer
from desktop_app.ui.dialogs import show_error
from desktop_app.ui.draft_keeper import DraftKeeper
from desktop_app.ui.job_panel import JobPanel
from desktop_app.ui.player import PlayerWidget
from desktop_app.ui.reference_list import ReferenceList
from desktop_app.ui.sidecars import sidecar_of
from desktop_app.ui.spending import BalanceLabel
from desktop_app.ui.view_state import ViewState
from desktop_app.ui.window_basics import WindowBasics
from desktop_app.ui.window_geometry import WindowGeometry
from desktop_app.ui.window_menus import add_keys, build_menus, chain_tab_order

if TYPE_CHECKING:
    from desktop_app.ui.arrivals import Arrivals
    from desktop_app.ui.compare import CompareWindow
    from desktop_app.ui.settings_flow import SettingsFlow
    from desktop_app.ui.submitting import Submitting
    from desktop_app.ui.thumbnails import JobThumbnails
    from desktop_app.ui.trimmer import Trimmer
    from desktop_app.ui.window_services import WindowServices


class MainWindow(QMainWindow):
    closed = Signal()
    demo_requested = Signal()

    def __init__(self, basics: WindowBasics) -> None:
        super().__init__()
        self.basics = basics
        self._services: WindowServices | None = None
        self.setWindowTitle(f"{APP_NAME} — DEMO" if basics.demo else APP_NAME)
        self.state = ViewState(self)
        self.references = ReferenceList(demo=basics.demo)
        self.composer = Composer(self.references, sending=self.state.sending)
        self.player = PlayerWidget(basics.media)
        self.jobs = JobPanel(basics.thumbnails, self.state)
        self.characters = CharacterPanel()
        self.characters_dock = QDockWidget("Characters", self)
        self.characters_dock.setObjectName("characters")
        self.characters_dock.setWidget(self.characters)
        self.characters_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.characters_dock)
        # Shown once there are characters (or asked for: View › Characters), so that a
        # creator who keeps none has the composer's whole width.
        self.characters_dock.setVisible(False)
        self.references.names_of = self.characters.named
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.player)
        self.right.addWidget(self.jobs)
        self.main = QSplitter(Qt.Orientation.Horizontal)
        self.main.addWidget(self.composer)
        self.main.addWidget(self.right)
        self.main.setStretchFactor(1, 1)
        self.setCentralWidget(self.main)
        self.drafts = DraftKeeper(self.composer, basics.draft, self.statusBar())
        self._build_status_bar()
        build_menus(self)
        chain_tab_order(self)
        add_keys(self)
        self.geometry_keeper = WindowGeometry(self, self.main, self.right, basics.window_state)
        self.geometry_keeper.restore()
        self._shown_once = False
        self.setAcceptDrops(True)

    @property
    def services(self) -> WindowServices:
        assert self._services is not None, "the engine is attached after the first frame"
        return self._services

    def attach(self, services: WindowServices) -> None:
        """The engine's services arrive (after the first frame): prices, checks, the jobs,
        and everything that acts on them."""
        from desktop_app.ui.arrivals import Arrivals
        from desktop_app.ui.frame_use import FrameUse
        from desktop_app.ui.job_feed import JobFeed
        from desktop_app.ui.settings_flow import SettingsFlow
        from desktop_app.ui.submitting import Submitting
        from desktop_app.ui.thumbnails import JobThumbnails

        self._services = services
        self.controller = services.controller
        for part in (services.controller, services.account, services.model, services.grabber):
            part.setParent(self)  # they live and die with the window
        self.references.attach(
            services.check_reference, services.fetch_preview, services.grabber, services.tasks
        )
        self.composer.attach(services.quote, services.account.spending.left_today)
        self.jobs.attach(services.model)
        self.characters.attach(services.characters)
        self.keeping = CharacterKeeping(
            self, self.characters, self.characters_dock, self.references, services.tasks
        )
        self.characters_dock.setVisible(self.characters.list.count() > 0)
        self.characters.use_requested.connect(self.use_character)
        self.characters.changed.connect(self.composer.show_names)
        self.characters.changed.connect(self.references.refresh_names)
        self.characters.keep_button.clicked.connect(lambda: self.keep_selected_reference())
        status = self.statusBar()
        self.arrivals: Arrivals = Arrivals(
            self, self.player, self.jobs, self.windowTitle(), services.notices,
            services.model.batch,
        )  # fmt: skip
        self.settings_flow: SettingsFlow = SettingsFlow(
            self, status, services.keys, services.verify_key, services.settings_file,
            services.storage_keys, services.check_storage, services.tasks, services.library,
            demo_address=services.demo_address, on_saved=self._on_settings_saved,
            on_demo_chosen=self.demo_requested.emit,
        )  # fmt: skip
        self.submitting: Submitting = Submitting(
            self, services.controller, self.composer, self.references, services.quote,
            services.account, services.settings_file, self.state, status,
            key_ready=self.settings_flow.key_ready,
            open_settings=self.settings_flow.open_settings,
        )  # fmt: skip
        self.frame_use = FrameUse(
            self.drafts, self.basics.media, self.basics.frames, services.tasks, status, self
        )
        self._connect()
        self._repaint = QTimer(self)
        self._repaint.setInterval(1000)
        self._repaint.timeout.connect(services.model.tick)
        self._repaint.start()
        self.thumbnails: JobThumbnails = JobThumbnails(
            services.model, services.grabber, self.basics.thumbnails, self.jobs.delegate, self
        )
        self.feed = JobFeed(
            services.controller, services.model, self.jobs, self.arrivals, self.composer,
            self.thumbnails, status, self._show_spending,
        )  # fmt: skip
        services.model.reload()
        self._show_spending()
        if services.demo and services.sample_links:
            self.composer.samples_button.setVisible(True)
            self.composer.samples_button.clicked.connect(self.add_sample_references)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.demo_badge = QLabel(" DEMO ")
        self.demo_badge.setToolTip(
            "Demo mode: a simulated service on this computer; nothing is billed"
        )
        self.demo_badge.setStyleSheet(
            "background:#e9a100;color:black;font-weight:bold;border-radius:3px"
        )
        self.demo_badge.setAccessibleName("Demo mode")
        self.demo_badge.setVisible(self.basics.demo)
        status.addPermanentWidget(self.demo_badge)
        self.balance = BalanceLabel()
        status.addPermanentWidget(self.balance)
        self.state.spending.bind(self.balance.show_text)

    def _connect(self) -> None:
        services, controller, jobs = self.services, self.controller, self.jobs
        self.references.play_requested.connect(self.player.play)
        self.references.trim_requested.connect(self.trim)
        jobs.play_requested.connect(self.player.play)
        jobs.stop_following_requested.connect(controller.stop_following)
        jobs.follow_requested.connect(controller.follow)
        jobs.resubmit_requested.connect(controller.resubmit)
        jobs.redownload_requested.connect(controller.redownload)
        jobs.reuse_requested.connect(self.drafts.use_settings)
        jobs.continue_requested.connect(self.frame_use.continue_from)
        self.player.frame_used.connect(self.frame_use.use_frame)
        self.player.frame_kept.connect(self.frame_use.keep_frame)
        # Queued: the name is asked from Qt's loop, never inside the task that saved it.
        keeping = self.keeping
        self.frame_use.still_saved.connect(keeping.from_still, Qt.ConnectionType.QueuedConnection)
        jobs.keep_requested.connect(keeping.from_take)
        jobs.run_again_requested.connect(self.submitting.run_again)
        jobs.compare_requested.connect(self.compare)
        jobs.told.connect(lambda text: self.statusBar().showMessage(text, 6000))
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

    def open_settings(self) -> None:
        if self._services is not None:
            self.settings_flow.open_settings()

    def refresh_balance(self) -> None:
        if self._services is not None:
            self.services.account.refresh_balance(force=True)

    def cancel_upload(self) -> None:
        if self._services is not None:
            self.controller.cancel_upload()

    # -- the draft ---------------------------------------------------------------------------

    def add_sample_references(self) -> None:
        """Demo: sample clips in the empty slots (never past them), and a prompt only when
        there is none; with undo."""
        state = self.composer.state
        listed = [url for url, _kind in state.references.value]
        room = self.composer.model_spec.value.max_videos - len(state.links(VIDEO))
        samples = [url for url in self.services.sample_links if url not in listed][:room]
        if not samples:
            self.statusBar().showMessage("Every reference slot is taken: no sample added.", 6000)
            return

        def fill() -> None:
            state.references.set((*state.references.value, *((u, VIDEO) for u in samples)))
            if not state.prompt.value.strip():
                state.prompt.set(
                    "character1 and character2 meet on a sunny beach and wave at the camera"
                )

        self.drafts.replace(f"{len(samples)} sample clips are in the empty slots.", fill)

    def use_character(self, character: Character) -> None:
        """A character's takes into the reference list (what a drag of it does)."""
        self.references.add_links([take.ref for take in character.takes])

    def keep_selected_reference(self, ask: Callable[[], str | None] | None = None) -> None:
        """The selected reference rows kept as a character, named by the creator."""
        self.keeping.from_selected_reference(ask)

    def open_library(self) -> None:
        library = self._services.library if self._services else self.basics.library
        library.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(library)))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if sidecar_of(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """A sidecar dropped on the window puts its settings in the composer."""
        if self.drafts.take_sidecar(event.mimeData()):
            event.acceptProposedAction()

    # -- jobs --------------------------------------------------------------------------------

    def trim(self, url: str, seconds: float) -> Trimmer | None:
        """The trimmer on a clip that is longer than the service takes: the part cut
        takes the clip's row (the source file stays as it is)."""
        from desktop_app.ui.trimmer import Trimmer

        source = local_path(url)
        if source is None or self._services is None or self.findChildren(Trimmer):
            return None
        trimmer = Trimmer(source, seconds, self.composer.model_spec.value, self.basics.media,
                          self.basics.cuts, self.services.tasks, self)  # fmt: skip
        trimmer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        trimmer.accepted.connect(lambda: self._take_cut(url, trimmer))
        trimmer.open()  # not exec(): no loop inside another
        return trimmer

    def _take_cut(self, url: str, trimmer: Trimmer) -> None:
        cut = trimmer.cut
        if cut is None or url not in self.references.links():
            return
        self.references.replace_row(self.references.links().index(url), cut.path.as_uri())
        self.statusBar().showMessage(
            f"The part {trimmer.span().text()} of {trimmer.source.name} is sent in its place "
            "(a new file in the app's cache; yours is unchanged).",
            10_000,
        )

    def compare(self, first: Job, second: Job) -> CompareWindow:
        """Play two finished takes side by side, in step."""
        from desktop_app.ui.compare import CompareWindow

        self.player.player.pause()
        window = CompareWindow(first, second, self.basics.media, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    def play_newest_clip(self) -> None:
        if self._services is not None:
            self.arrivals.play_newest()

    def copy_selected_clip(self) -> None:
        job = self.state.selected_job.value
        if job is None or job.state is not JobState.DONE:
            self.statusBar().showMessage("Select a finished job to copy its clip.", 6000)
            return
        self.jobs.copy_clip(job)

    def _on_settings_saved(self) -> None:
        """A new limit shows at once, on the button and in the status bar."""
        self.composer.refresh_price()
        self._show_spending()

    def _show_spending(self) -> None:
        self.state.spending.set(self.services.account.status_text())

    # -- the window --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self.geometry_keeper.fit_on_screen)  # once framed

    def changeEvent(self, event: QEvent) -> None:
        activated = event.type() == QEvent.Type.ActivationChange and self.isActiveWindow()
        if activated and self._services is not None:
            self.arrivals.window_activated()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.drafts.stop()
        self.composer.stop_timers()
        self.geometry_keeper.save()
        self.player.close_media()
        if self._services is not None:
            self.services.grabber.close()
            self.frame_use.close()
        super().closeEvent(event)
        self.closed.emit()
