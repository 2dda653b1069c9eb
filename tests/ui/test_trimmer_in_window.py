"""A clip longer than the service takes, dropped on the reference list, opens the
trimmer instead of an error; In and Out are set by the keyboard; Cut puts the part in the
clip's row, and the source stays as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from pytestqt.qtbot import QtBot

from desktop_app.ui.trimmer import Trimmer
from desktop_app.uploads.clip_file import file_sha256
from tests.clips import clip_length, make_clip
from tests.ui.conftest import WindowFactory
from tests.ui.test_local_clips_in_window import drop_file


def type_seconds(qtbot: QtBot, spin: object, text: str) -> None:
    """Select the spin box's text and type a new value, as a keyboard does."""
    spin.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, text)


def test_a_long_clip_opens_the_trimmer_and_its_part_takes_the_row(
    qtbot: QtBot, windows: WindowFactory, tmp_path: Path
) -> None:
    source = make_clip(tmp_path / "phone video.mp4", 60)
    before = file_sha256(source)
    window = windows()
    drop_file(window, source)
    qtbot.waitUntil(lambda: bool(window.findChildren(Trimmer)), timeout=10_000)
    [trimmer] = window.findChildren(Trimmer)
    assert "TOO LONG" in window.references.list.item(0).text()
    assert trimmer.end.value() == 30.0  # the longest part the model takes, to start with
    playing = QMediaPlayer.PlaybackState.PlayingState
    trimmer.play_button.click()  # the clip plays, to find the part
    qtbot.waitUntil(lambda: trimmer.player.playbackState() == playing)
    trimmer.play_button.click()
    qtbot.waitUntil(lambda: trimmer.player.playbackState() != playing)
    type_seconds(qtbot, trimmer.start, "12.5")
    type_seconds(qtbot, trimmer.end, "50")
    assert "lasts 37.5 s; a reference clip lasts 2 to 30 s" in trimmer.facts.text()
    assert not trimmer.cut_button.isEnabled()
    type_seconds(qtbot, trimmer.end, "18")
    qtbot.keyClick(trimmer.end, Qt.Key.Key_Up)  # one frame later, by the arrow key
    assert trimmer.end.value() == 18.04
    qtbot.keyClick(trimmer.end, Qt.Key.Key_Down)
    assert trimmer.span().seconds == 5.5
    assert trimmer.facts.text().startswith("The part: 5.50 s, about")
    assert trimmer.cut_button.isEnabled()
    qtbot.keyClick(trimmer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.findChildren(Trimmer), timeout=30_000)
    [url] = window.references.links()
    assert url.startswith("file://") and "/cuts/cut-" in url
    cut = Path(url.removeprefix("file://"))
    seconds, frames = clip_length(cut)
    assert abs(seconds - 5.5) <= 1 / 24 and frames == 132
    assert file_sha256(source) == before
    assert "The part 12.5-18 s of phone video.mp4 is sent in its place" in (
        window.statusBar().currentMessage()
    )
    qtbot.waitUntil(lambda: window.references.check_of(url) is not None)
    assert not window.references.check_failed(url)
