"""ViewState: the few values the window's parts show and change, as observable
properties. Whoever owns a piece of state sets it here; the composer, the job panel and
the status bar bind to it, and nothing pushes text into their widgets."""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop_app.domain.job import Job
from desktop_app.qt.properties import Property


class ViewState(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sending = Property(False, self)
        """A Generate is being journaled and sent: the button says so and is inert."""
        self.spending = Property("", self)
        """The balance and today's spending, for the status bar."""
        self.selected_job: Property[Job | None] = Property(None, self)
        """The job the job panel is on (None: none); setting it selects it there."""
        self.grid = Property(False, self)
        """The jobs shown as a grid of thumbnails rather than a list."""
