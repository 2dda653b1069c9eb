"""WindowServices: what the main window needs from the engine, built by window_engine.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.qt.account_watch import AccountWatch
from desktop_app.qt.desktop_notices import DesktopNotices
from desktop_app.qt.frame_grabber import FrameGrabber
from desktop_app.qt.job_controller import JobController
from desktop_app.qt.job_list_model import JobListModel
from desktop_app.secrets.active_key import ActiveKey
from desktop_app.secrets.storage_keys import StorageKeys
from desktop_app.settings import SettingsFile
from desktop_app.tasks import TaskGroup
from desktop_app.ui.character_panel import CharacterBook
from desktop_app.ui.composer import QuoteRequests
from desktop_app.ui.key_dialog import VerifyKey
from desktop_app.ui.reference_list import CheckReference, FetchPreview
from desktop_app.ui.storage_settings import CheckStorage


@dataclass(frozen=True)
class WindowServices:
    """What the window attaches once its first frame is up (`MainWindow.attach`)."""

    controller: JobController
    account: AccountWatch
    quote: QuoteRequests
    model: JobListModel
    grabber: FrameGrabber
    tasks: TaskGroup
    check_reference: CheckReference
    fetch_preview: FetchPreview
    keys: ActiveKey
    verify_key: VerifyKey
    settings_file: SettingsFile
    storage_keys: StorageKeys
    check_storage: CheckStorage
    notices: DesktopNotices
    library: Path
    characters: CharacterBook
    """The characters the creator keeps (the journal)."""
    demo_address: str | None = None
    """The simulator's address in demo mode; None with the real service."""
    sample_links: tuple[str, ...] = ()

    @property
    def demo(self) -> bool:
        return self.demo_address is not None
