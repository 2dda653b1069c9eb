"""DraftKeeper: the composer's draft is never lost. It is saved half a second after each
edit and restored at the next start; and whatever replaces it at once (Use these settings,
New request, a dropped sidecar) can be undone: Ctrl+Z, or the "Undo" button that the
status bar shows for ten seconds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton, QStatusBar, QTextEdit

from desktop_app.domain.job import Job
from desktop_app.domain.model_switch import switch_model
from desktop_app.domain.models import MODELS, ModelSpec
from desktop_app.domain.request import GenerationRequest
from desktop_app.qt.draft_store import DraftStore
from desktop_app.ui.composer import Composer
from desktop_app.ui.sidecars import read_sidecar_request, sidecar_of

FIRST_FRAME_MODEL = next(m for m in MODELS if m.first_frame)
SAVE_AFTER_MS = 500
UNDO_FOR_MS = 10_000


class DraftKeeper(QObject):
    def __init__(self, composer: Composer, store: DraftStore, status: QStatusBar) -> None:
        super().__init__(composer)
        self._composer = composer
        self._store = store
        self._status = status
        self._before: dict[str, Any] | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_AFTER_MS)
        self._save_timer.timeout.connect(self.save)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(UNDO_FOR_MS)
        self._undo_timer.timeout.connect(self._forget_undo)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Bring back the draft as it was (Ctrl+Z)")
        self.undo_button.setAccessibleName("Undo: bring back the draft")
        self.undo_button.setVisible(False)
        self.undo_button.clicked.connect(self.undo)
        status.addPermanentWidget(self.undo_button)
        self.undo_action = QAction("&Undo replacing the draft", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(self.undo)
        # A text field takes Ctrl+Z for its own typing; with nothing of its own to undo
        # (a replaced field starts afresh), it lets the draft's undo have it.
        for field in (composer.prompt, composer.negative, composer.seed.field,
                      composer.references.url_field):  # fmt: skip
            field.installEventFilter(self)
        saved = store.load()
        if saved is not None:
            composer.restore(saved)
        composer.edited.connect(self._save_timer.start)
        composer.model_picked.connect(self.switch_model)

    @property
    def can_undo(self) -> bool:
        return self._before is not None

    def replace(self, done: str, fill: Callable[[], None]) -> None:
        """Replace the draft by `fill`, say `done`, and offer to undo it for ten seconds."""
        self._before = self._composer.draft()
        fill()
        self._status.showMessage(f"{done} Undo (Ctrl+Z) brings back your draft.", UNDO_FOR_MS)
        self.undo_button.setVisible(True)
        self.undo_action.setEnabled(True)
        self._undo_timer.start()

    def new_request(self) -> None:
        def empty() -> None:
            state = self._composer.state
            state.references.set(())
            state.first_frame.set(None)
            state.prompt.set("")
            state.negative.set("")

        self.replace("New request: the composer is empty.", empty)

    def use_settings(self, request: GenerationRequest) -> None:
        """A job's settings, for one take: a job of a batch of four is not four again
        unless the creator asks (the message says when Variations went back to 1)."""
        takes = self._composer.state.variations

        def fill() -> None:
            self._composer.load(request)
            takes.set(1)

        note = " Variations is back to 1." if takes.value > 1 else ""
        self.replace(f"The job's settings are in the composer.{note}", fill)

    def switch_model(self, spec: ModelSpec) -> None:
        """Another model: what fits is kept, what does not is named, and Undo brings the
        draft back as it was."""
        switched = switch_model(self._composer.request(), spec)
        self.replace(switched.sentence(spec), lambda: self._composer.load(switched.request))

    def take_still(self, url: str, *, first_frame: bool) -> None:
        """A still (a frame of a clip) as the first frame or a character image; with a
        model that takes neither, the first model that does is chosen (with undo)."""
        references = self._composer.references
        what = "the first frame" if first_frame else "a character image"

        def put() -> None:
            if first_frame:
                references.first_frame.set_link(url)
            else:
                references.add_links([url])

        spec = self._composer.model_spec.value
        if spec.first_frame if first_frame else spec.takes_images:
            put()
            self._status.showMessage(f"The frame is {what}.", 6000)
            return
        target = next(m for m in MODELS if (m.first_frame if first_frame else m.takes_images))
        switched = switch_model(self._composer.request(), target)

        def fill() -> None:
            self._composer.load(switched.request)
            put()

        self.replace(f"{switched.sentence(target)} The frame is {what}.", fill)

    def continue_from(self, job: Job, frame_url: str) -> None:
        """A new request that starts where `job`'s clip ends: its last frame (`frame_url`)
        as the first frame, with the job's references, prompt and settings, for a model
        that takes a first frame (with undo)."""
        made = job.request_as_made()
        spec = made.spec
        target = spec if spec is not None and spec.first_frame else FIRST_FRAME_MODEL
        switched = switch_model(made, target)

        def fill() -> None:
            self._composer.load(replace(switched.request, first_frame_image=frame_url))
            self._composer.continuing = job.id

        self.replace(
            f"Continuing job {job.id} with {target.short_name}: its last frame is the first frame.",
            fill,
        )

    def take_sidecar(self, mime: QMimeData) -> bool:
        """A clip's sidecar dropped on the window: its settings into the composer (with
        undo). False: the drop holds no sidecar."""
        sidecar = sidecar_of(mime)
        if sidecar is None:
            return False
        request = read_sidecar_request(sidecar)
        if request is None:
            self._status.showMessage(
                f"{sidecar.name} is not a Wan Studio sidecar: its settings cannot be used.", 8000
            )
            return True
        self.replace(
            f"The settings of {sidecar.name} are in the composer.",
            lambda: self._composer.load(request),
        )
        return True

    def undo(self) -> None:
        before = self._before
        if before is None:
            self._status.showMessage("There is nothing to undo.", 4000)
            return
        self._forget_undo()
        self._composer.restore(before)
        self._composer.prompt.setFocus(Qt.FocusReason.OtherFocusReason)
        self._status.showMessage("Your draft is back.", 5000)

    def save(self) -> None:
        self._save_timer.stop()
        self._store.save(self._composer.draft())

    def stop(self) -> None:
        """The window closes: the draft is written now, and no timer runs after it."""
        self._undo_timer.stop()
        self.save()

    def _forget_undo(self) -> None:
        self._before = None
        self._undo_timer.stop()
        self.undo_button.setVisible(False)
        self.undo_action.setEnabled(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self._before is not None
            and event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
            and not _has_own_undo(watched)
        ):
            return True  # not accepted: the window's Undo shortcut takes the key
        return super().eventFilter(watched, event)


def _has_own_undo(field: QObject) -> bool:
    if isinstance(field, QTextEdit | QPlainTextEdit):
        return field.document().isUndoAvailable()
    if isinstance(field, QLineEdit):
        return field.isUndoAvailable()
    return False
