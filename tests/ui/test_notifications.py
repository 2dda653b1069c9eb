"""A job that finishes while the window is in the background is announced through the
desktop's notification service: a real daemon (dunst) on the test's own session bus, under
Xvfb. A click on the notice brings the window back on that job; with no service at all,
the app does without, quietly."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import JobState
from tests.desktop_session import DesktopSession, desktop_session, missing_tools
from tests.ui.conftest import WindowFactory, compose_and_generate, wait_for_state

pytestmark = pytest.mark.skipif(
    bool(missing_tools()) and not os.environ.get("CI"),
    reason=f"needs {', '.join(missing_tools())} (packaging/dev/setup.sh installs them)",
)


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DesktopSession]:
    with desktop_session(tmp_path, notifications=True) as running:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", running.bus)  # where the app looks
        yield running


def in_the_background(qtbot: QtBot, window: QWidget) -> QWidget:
    """Another window in front, as when the creator works elsewhere."""
    with qtbot.waitActive(window):
        window.activateWindow()  # the window came up in front, as it does
    other = QWidget()
    qtbot.addWidget(other)
    with qtbot.waitExposed(other):
        other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: other.isActiveWindow() and not window.isActiveWindow())
    return other


def test_a_finished_job_reaches_the_notification_daemon_and_brings_the_window_back(
    qtbot: QtBot, windows: WindowFactory, session: DesktopSession, sample_links: list[str]
) -> None:
    window = windows()
    in_the_background(qtbot, window)
    compose_and_generate(window, sample_links[:1], "character1 rides a bicycle")
    job = wait_for_state(qtbot, window, JobState.DONE)
    notices = window.services.notices
    qtbot.waitUntil(lambda: notices.told == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "Your clip is ready" in session.notifications())
    told = session.notifications()
    assert "character1 rides a bicycle" in told
    assert '"Play"' in told and '"Show"' in told  # the actions the daemon offers
    assert '"Wan Studio"' in told  # the app's name
    assert "seed picked by the service" in told  # no seed was set
    window.jobs.view.clearSelection()
    window.jobs.view.setCurrentIndex(window.services.model.index(-1))
    # The creator clicks the notice: the daemon invokes its default action.
    subprocess.run(["dunstctl", "action"], env=session.env, check=True, timeout=10)
    qtbot.waitUntil(window.isActiveWindow)
    selected = window.jobs.selected()
    assert selected is not None and selected.id == job.id
    qtbot.waitUntil(lambda: displayed(session) == 0, timeout=10_000)  # the popup left


def test_without_a_notification_service_the_window_does_without(
    qtbot: QtBot, windows: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    sample_links: list[str],
) -> None:  # fmt: skip
    with desktop_session(tmp_path) as bare:  # a bus, but nobody serving notifications
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bare.bus)
        window = windows()
        in_the_background(qtbot, window)
        compose_and_generate(window, sample_links[:1], "character1 naps")
        wait_for_state(qtbot, window, JobState.DONE)
        notices = window.services.notices
        qtbot.waitUntil(lambda: notices.usable is False, timeout=10_000)
        assert notices.told == 0
        assert window.windowTitle().endswith("— 1 new")  # the title still says it


def test_a_batch_is_one_notice_with_its_seeds_and_it_leaves_when_acted_on(
    qtbot: QtBot, windows: WindowFactory, session: DesktopSession, sample_links: list[str]
) -> None:
    window = windows()
    in_the_background(qtbot, window)
    window.composer.seed.field.setText("5")
    window.composer.variations.setValue(4)
    compose_and_generate(window, sample_links[:1], "character1 juggles")
    model = window.services.model
    qtbot.waitUntil(
        lambda: (
            model.rowCount() == 4 and all(model.job_at(r).state is JobState.DONE for r in range(4))
        ),
        timeout=30_000,
    )
    notices = window.services.notices
    qtbot.waitUntil(lambda: notices.told == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "4 clips ready" in session.notifications())
    told = session.notifications()
    assert "seeds 5, 6, 7, 8" in told
    assert told.count("member=Notify") == 1  # one notice for the batch, not four
    assert "Your clip is ready" not in told
    assert displayed(session) == 1
    # The creator comes back by themselves and selects one of the takes: the notice,
    # now said, leaves the screen.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.jobs.select(model.job_at(2).id)
    qtbot.waitUntil(lambda: displayed(session) == 0, timeout=10_000)


def displayed(session: DesktopSession) -> int:
    counted = subprocess.run(["dunstctl", "count", "displayed"], env=session.env,
                             capture_output=True, text=True, check=True, timeout=10)  # fmt: skip
    return int(counted.stdout.strip())
