"""A frame of a clip kept as a PNG file, so that it can be a still like any other: a
character image or a first frame, uploaded to the creator's storage (or served by the
demo's simulator) when a request goes out.

Frames are content-addressed (named by the SHA-256 of their PNG), so the same frame is one
file and one upload. `save_frame` encodes and writes: it runs on a worker thread."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from desktop_app.files import write_atomically


class FrameNotSavedError(Exception):
    """The frame could not be encoded or written; the message says why."""


def png_bytes(image: QImage) -> bytes:
    """`image` encoded as a PNG (FrameNotSavedError when it cannot be)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # PySide takes str
        raise FrameNotSavedError("The frame could not be encoded as a PNG.")
    buffer.close()
    return bytes(data.data())


def save_frame(image: QImage, folder: Path) -> Path:
    """`image` as a PNG in `folder` (made when missing); its path."""
    png = png_bytes(image)
    path = folder / f"frame-{hashlib.sha256(png).hexdigest()[:32]}.png"
    if not path.is_file():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(path, png)
        except OSError as error:
            raise FrameNotSavedError(f"The frame could not be saved in {folder}: {error}") from None
    return path
