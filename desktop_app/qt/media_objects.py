"""MediaObjects: the players, audio outputs and video sinks of the window, made by Qt
itself (through its QML engine), never constructed from Python.

Why (issue #25, found with gdb on hung runs and confirmed with a breakpoint on
`PyGILState_Ensure` in threads other than the GUI thread): an object constructed from
Python is an instance of PySide's wrapper class, whose every virtual function first asks
the interpreter lock whether Python overrides it (`Sbk_GetPyOverride`). Qt Multimedia's
FFmpeg audio renderer connects to its `QAudioOutput`'s signals, and when the renderer is
deleted in its own thread (a player stops or changes its clip), `QObject::~QObject` calls
`QAudioOutput::disconnectNotify` on that sender while holding Qt's signal-slot mutex. With
a Python-made output that call waits for the interpreter lock, which the GUI thread holds
while it makes a connection (a widget's constructor) and waits for the same mutex, one of a
small pool shared by address: both wait for ever.

An object that Qt creates has no wrapper class: its virtual functions are Qt's own and
never ask for the interpreter lock, so no thread of Qt Multimedia can wait on Python. The
QML engine is the factory of Qt's that Python can call; its `MediaPlayer`, `AudioOutput`
and `VideoSink` are Qt's `QMediaPlayer`, `QAudioOutput` and `QVideoSink`. Python still
calls them and connects to their signals as usual (that runs on the GUI thread).

`tests/test_media_structure.py` keeps it so: no module constructs a multimedia object or
subclasses a multimedia class."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject, QUrl
from PySide6.QtMultimedia import QMediaPlayer, QVideoSink
from PySide6.QtQml import QQmlComponent, QQmlEngine

_PLAYER = b"import QtMultimedia\nMediaPlayer { audioOutput: AudioOutput {} }"
_SILENT_PLAYER = b"import QtMultimedia\nMediaPlayer {}"
_VIDEO_SINK = b"import QtMultimedia\nVideoSink {}"

T = TypeVar("T", bound=QObject)


class MediaObjects:
    """Makes media objects owned by a parent of the caller's; one per process."""

    def __init__(self) -> None:
        self._engine: QQmlEngine | None = None
        self._components: dict[bytes, QQmlComponent] = {}

    def player(self, parent: QObject) -> QMediaPlayer:
        """A player with its own audio output (`player.audioOutput()`)."""
        return self._make(_PLAYER, QMediaPlayer, parent)

    def silent_player(self, parent: QObject) -> QMediaPlayer:
        """A player without sound (reading a clip's facts and frames)."""
        return self._make(_SILENT_PLAYER, QMediaPlayer, parent)

    def video_sink(self, parent: QObject) -> QVideoSink:
        return self._make(_VIDEO_SINK, QVideoSink, parent)

    def _make(self, source: bytes, kind: type[T], parent: QObject) -> T:
        component = self._components.get(source)
        if component is None:
            if self._engine is None:
                self._engine = QQmlEngine()
            component = QQmlComponent(self._engine)
            component.setData(source, QUrl())
            self._components[source] = component
        made = component.create()
        if made is None or not isinstance(made, kind):
            errors = "; ".join(error.toString() for error in component.errors())
            raise RuntimeError(f"Qt could not make a {kind.__name__}: {errors or 'no reason'}")
        # Owned by the parent from here: neither Python's collector nor QML's deletes it.
        QQmlEngine.setObjectOwnership(made, QQmlEngine.ObjectOwnership.CppOwnership)
        made.setParent(parent)
        return made
