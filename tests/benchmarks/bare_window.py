"""The P1 baseline: a bare PySide6 window with a video widget and a media player that
loads a clip, prints "ready" once it is loaded, and exits.

    python -m tests.benchmarks.bare_window CLIP
"""

import sys

from PySide6.QtCore import QUrl
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QApplication, QMainWindow


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    video = QVideoWidget()
    window.setCentralWidget(video)
    player = QMediaPlayer()
    player.setVideoOutput(video)

    def on_status(status: QMediaPlayer.MediaStatus) -> None:
        loaded = (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia)
        if status in loaded:
            print("ready", flush=True)
            app.quit()
        elif status is QMediaPlayer.MediaStatus.InvalidMedia:
            app.exit(1)

    player.mediaStatusChanged.connect(on_status)
    window.show()
    player.setSource(QUrl.fromLocalFile(sys.argv[1]))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
