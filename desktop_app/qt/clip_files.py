"""Clips as files for other programs: what a drag out of the window or "Copy clip" hands
to a file manager or a video editor: file URLs (what KDE Dolphin, macOS Finder and
Windows Explorer read, through Qt), GNOME Files' own `x-special/gnome-copied-files`
("copy" and the URLs: without it, Files pastes nothing), and the paths as text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl

GNOME_COPIED_FILES = "x-special/gnome-copied-files"


def clip_mime(paths: Sequence[Path]) -> QMimeData:
    data = QMimeData()
    urls = [QUrl.fromLocalFile(str(path)) for path in paths]
    data.setUrls(urls)
    gnome = "\n".join(["copy", *(url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
                                 for url in urls)])  # fmt: skip
    data.setData(GNOME_COPIED_FILES, gnome.encode())
    data.setText("\n".join(str(path) for path in paths))
    return data
