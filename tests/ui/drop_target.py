"""A window that takes drops, as a file manager does, and records each one: a test's own
drop target in its own process (a drag between programs goes through the X server's
drag-and-drop protocol, as it does to a real file manager).

    python -m tests.ui.drop_target OUT_FILE X Y

Each drop appends one JSON line: the formats offered, the URLs, and whether each URL's
file exists."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "xcb"

from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel


class DropTarget(QLabel):
    def __init__(self, out: Path) -> None:
        super().__init__("Drop here")
        self.out = out
        self.setAcceptDrops(True)
        self.setWindowTitle("Drop target")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        files = [url.toLocalFile() for url in mime.urls()]
        line = {
            "formats": mime.formats(),
            "urls": [url.toString() for url in mime.urls()],
            "files_exist": [Path(f).is_file() for f in files],
        }
        with self.out.open("a") as out:
            out.write(json.dumps(line) + "\n")
        event.acceptProposedAction()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    target = DropTarget(Path(sys.argv[1]))
    target.setGeometry(int(sys.argv[2]), int(sys.argv[3]), 300, 300)
    target.show()
    app.exec()
