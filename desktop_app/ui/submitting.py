"""Submitting: from a Generate (or Run again) to a request on its way, asking only what
must be asked (the key if there is none, the price above the creator's threshold), and
never when today's limit would refuse it (the button already says so, and the refusal
says why). One activation, one submission: `sending` is held until it was sent."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QStatusBar, QWidget

from desktop_app.domain.job import Job
from desktop_app.domain.request import GenerationRequest, is_local_url
from desktop_app.qt.account_watch import AccountWatch
from desktop_app.qt.job_controller import JobController
from desktop_app.settings import SettingsError, SettingsFile
from desktop_app.ui.composer import Composer, QuoteRequests
from desktop_app.ui.reference_list import ReferenceList
from desktop_app.ui.spending import RunAgain, confirm_run_again, confirm_spending
from desktop_app.ui.view_state import ViewState


class Submitting:
    def __init__(
        self,
        parent: QWidget,
        controller: JobController,
        composer: Composer,
        references: ReferenceList,
        quote: QuoteRequests,
        account: AccountWatch,
        settings_file: SettingsFile,
        state: ViewState,
        status: QStatusBar,
        *,
        key_ready: Callable[[], bool],
        open_settings: Callable[[SettingsError], None],
    ) -> None:
        self._parent = parent
        self._controller = controller
        self._composer = composer
        self._references = references
        self._quote = quote
        self._account = account
        self._settings_file = settings_file
        self._state = state
        self._status = status
        self._key_ready = key_ready
        self._open_settings = open_settings
        composer.generate_requested.connect(self.generate)
        controller.submission_finished.connect(self._on_finished)

    def generate(self, requests: list[GenerationRequest]) -> None:
        if not self._key_ready():
            return
        quote = self._quote(requests)
        try:
            settings = self._settings_file.money()
        except SettingsError as error:
            self._open_settings(error)
            return
        if not self._composer.over_limit(quote) and not confirm_spending(
            self._parent, quote, self._account.balance, settings.confirm_above_usd,
            self._composer.concerns(),
        ):  # fmt: skip
            return
        self._references.forget_refusals()
        self._state.sending.set(True)
        self._controller.submit(requests, continues=self._composer.continuing)
        first = requests[0]
        files = [*first.video_urls, *first.image_urls, first.first_frame_image or ""]
        local = any(is_local_url(url) for url in files)
        self._status.showMessage(
            "Uploading your clips to your storage… (Esc stops the upload)"
            if local
            else "Sending the request…"
        )

    def run_again(self, job: Job) -> None:
        """Submit a job's request again as a new job, after showing what it costs."""
        choice = confirm_run_again(self._parent, self._quote([job.request]), job.request.seed)
        if choice is not None:
            self._state.sending.set(True)
            self._controller.resubmit(job, new_seed=choice is RunAgain.NEW_SEED)

    def _on_finished(self, sent: bool) -> None:
        self._references.uploads_over()
        if sent:
            self._composer.sent()  # a refused request keeps the draft whole, its seed too
        self._state.sending.set(False)
        self._composer.refresh_price()
        self._status.clearMessage()
