"""The window against hostile text and a broken start: outside text is shown as plain
text (never as markup, which could load `file:///dev/zero`), a damaged journal is offered
to be moved aside, and Ctrl+C in the terminal quits cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import JobState
from desktop_app.journal.job_journal import JobJournal
from desktop_app.simulator import Fault, Simulator
from desktop_app.ui.dialogs import show_error
from desktop_app.ui.startup import open_or_explain
from tests.cli.test_cli import cli_env
from tests.conftest import TEST_KEY
from tests.ui.conftest import (
    WindowFactory,
    answer_next_dialog,
    compose_and_generate,
    wait_for_state,
)

HOSTILE = '<h1>big</h1><img src="file:///dev/zero"><a href="x">click</a>'


def test_a_hostile_server_message_is_shown_as_plain_text(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    sim.add_fault(Fault("generation", message=HOSTILE))
    window = windows()
    compose_and_generate(window, sample_links[:1], f"character1 waves {HOSTILE}")
    wait_for_state(qtbot, window, JobState.FAILED)
    window.jobs.view.setCurrentIndex(window.services.model.index(0))
    details = window.jobs.details
    assert details.textFormat() is Qt.TextFormat.PlainText
    assert '<img src="file:///dev/zero">' in details.text()
    assert details.accessibleName() == details.text()  # a screen reader reads what it says
    tooltip = window.services.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tooltip and "&lt;img" in tooltip
    show_error(window, "Failed", HOSTILE)
    [box] = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert box.textFormat() is Qt.TextFormat.PlainText and box.text() == HOSTILE
    box.close()


def test_a_hostile_reference_link_is_refused_as_plain_text(
    qtbot: QtBot, windows: WindowFactory
) -> None:
    window = windows()
    refusals = window.references.add_links(["ftp://x<img src=file:///dev/zero>"])
    assert refusals
    message = window.references.message
    assert message.textFormat() is Qt.TextFormat.PlainText
    assert "<img" in message.text() or "http" in message.text()
    assert window.references.links() == []


def test_a_damaged_journal_is_offered_to_be_moved_aside(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 300)
    seen: list[str] = []
    answer_next_dialog("Move it aside", seen)
    journal = open_or_explain(lambda: JobJournal(path))
    assert journal is not None
    journal.close()
    assert seen and "damaged" in seen[0]
    [kept] = tmp_path.glob("journal.sqlite3.broken-*")
    assert kept.read_bytes().startswith(b"SQLite format 3\x00\xff")


READY_DRIVER = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    import desktop_app.window_engine as engine
    from desktop_app.cli.main import main

    window_services = engine.window_services

    def services_then_say_ready(runtime, tasks, media):
        services = window_services(runtime, tasks, media)
        QTimer.singleShot(200, lambda: print("ready", flush=True))
        return services

    engine.window_services = services_then_say_ready
    sys.exit(main(sys.argv[1:]))
    """
)


def test_ctrl_c_in_the_terminal_quits_the_window_cleanly(tmp_path: Path, sim: Simulator) -> None:
    home = tmp_path / "home"
    window = subprocess.Popen(
        [sys.executable, "-c", READY_DRIVER, "--home", str(home), "--base-url", sim.base_url],
        env=cli_env(AIMLAPI_KEY=TEST_KEY, QT_QPA_PLATFORM="offscreen",
                    QT_LOGGING_RULES="qt.multimedia.*=false"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert window.stdout is not None
    assert window.stdout.readline().strip() == "ready"
    started = time.monotonic()
    window.send_signal(signal.SIGINT)
    _, stderr = window.communicate(timeout=30)
    assert window.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert time.monotonic() - started < 30
    log = (home / "logs" / "wan-studio.log").read_text()
    assert " ERROR " not in log
