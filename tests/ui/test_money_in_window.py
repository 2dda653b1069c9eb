"""Money in the window, against the simulator's account: the price on the Generate button,
one job per activation however fast the clicks, the daily limit, the confirmation above
a threshold, the balance, the ledger's charge on each job, and a lost answer recovered."""

from __future__ import annotations

import json
import time

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.domain.job import JobState
from desktop_app.simulator import Fault, Simulator
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.money_text import cost_text
from desktop_app.ui.settings_dialog import SettingsDialog
from tests.ui.conftest import (
    WindowFactory,
    answer_next_dialog,
    first_job,
    look_at_next_settings,
    wait_for_state,
    when_modal,
)


def compose(qtbot: QtBot, window: MainWindow, links: list[str], prompt: str) -> None:
    window.references.set_links(links)
    window.composer.prompt.setPlainText(prompt)
    qtbot.waitUntil(lambda: "$" in window.composer.generate_button.text())


def posts(sim: Simulator) -> int:
    return sim.count("POST", GENERATIONS_PATH)


def test_the_button_shows_the_price_and_variations_multiply_it(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    compose(qtbot, window, sample_links[:1], "character1 waves")
    button = window.composer.generate_button
    assert button.text() == "Generate · $1.50"  # 10 s at 1080p, $0.15 a second
    assert "the provider's price list" in button.toolTip()
    window.composer.variations.setValue(3)
    assert button.text() == "Generate 3 · $4.50"
    window.composer.resolution.button(0).click()  # 720p
    assert button.text() == "Generate 3 · $3.00"


def test_a_double_click_and_a_double_ctrl_enter_make_one_job_each(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    compose(qtbot, window, sample_links[:1], "character1 waves")
    button = window.composer.generate_button
    qtbot.mouseDClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.text() == "Sending…" and not button.isEnabled()
    qtbot.waitUntil(lambda: posts(sim) == 1 and button.isEnabled())
    qtbot.keyClick(window.composer.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.composer.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: posts(sim) == 2 and button.isEnabled())
    qtbot.wait(300)
    assert posts(sim) == 2 and window.services.model.rowCount() == 2


def test_the_daily_limit_refuses_with_the_numbers_sends_nothing_and_keeps_the_draft(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    settings = window.services.settings_file
    settings.save(settings.load().with_changes(daily_spend_limit_usd=1.0))
    compose(qtbot, window, sample_links[:1], "character1 waves")
    window.composer.seed.field.setText("880305902")
    with qtbot.waitSignal(window.controller.problem_raised) as raised:
        window.composer.generate_button.click()
    title, sentence = raised.args
    assert title == "Not sent"
    assert "$1.50" in sentence and "$1.00" in sentence and "daily limit" in sentence
    assert posts(sim) == 0 and window.services.model.rowCount() == 0
    qtbot.waitUntil(window.composer.generate_button.isEnabled)
    # The draft is whole, the seed typed included: nothing to type again.
    assert window.composer.seed.field.text() == "880305902"
    assert window.composer.prompt.toPlainText() == "character1 waves"


def test_a_generate_above_the_threshold_asks_first(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    settings = window.services.settings_file
    settings.save(settings.load().with_changes(confirm_above_usd=1.0))
    compose(qtbot, window, sample_links[:1], "character1 waves")
    seen: list[str] = []
    answer_next_dialog("Cancel", seen)
    window.composer.generate_button.click()
    assert seen and "$1.50" in seen[0] and "$1.00" in seen[0]
    assert posts(sim) == 0
    qtbot.waitUntil(window.composer.generate_button.isEnabled)
    answer_next_dialog("Send", seen)
    window.composer.generate_button.click()
    qtbot.waitUntil(lambda: posts(sim) == 1)


def test_the_balance_and_the_ledger_charge_are_shown(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    qtbot.waitUntil(lambda: "balance $100.00" in window.balance.text())
    assert "today $0.00" in window.balance.text()
    compose(qtbot, window, sample_links[:1], "character1 waves")
    window.composer.generate_button.click()
    wait_for_state(qtbot, window, JobState.DONE)
    qtbot.waitUntil(
        lambda: (job := first_job(window)) is not None and job.charged_credits is not None,
        timeout=20_000,
    )
    job = first_job(window)
    assert job is not None and job.charged_usd == 1.5  # the ledger, not meta.usage's $1.575
    window.jobs.view.setCurrentIndex(window.services.model.index(0))
    assert "Charged: $1.50" in window.jobs.details.text()
    qtbot.waitUntil(lambda: "today $1.50" in window.balance.text())  # once the loop turns


def test_a_lost_answer_becomes_a_finished_clip_by_itself(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    sim.add_fault(Fault("create", accept_then_drop=True))
    window = windows()
    compose(qtbot, window, sample_links[:1], "character1 waves")
    window.composer.generate_button.click()
    job = wait_for_state(qtbot, window, JobState.DONE, timeout=30_000)
    assert job.recovered_at is not None
    assert posts(sim) == 1
    window.jobs.view.setCurrentIndex(window.services.model.index(0))
    assert "request log" in window.jobs.details.text()
    sidecar = json.loads(job.file_path.with_suffix(".json").read_text()) if job.file_path else {}
    assert sidecar.get("generation_id") == job.generation_id


def test_two_clicks_150_ms_apart_make_one_job_however_fast_the_service_answers(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    compose(qtbot, window, sample_links[:1], "character1 waves")
    button = window.composer.generate_button
    started = time.monotonic()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(  # answered already: the button is inert only for the double click
        lambda: (job := first_job(window)) is not None and job.state is not JobState.SUBMITTING
    )
    qtbot.wait(max(0, 150 - round((time.monotonic() - started) * 1000)))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the second click of a double
    qtbot.waitUntil(button.isEnabled)
    assert posts(sim) == 1 and window.services.model.rowCount() == 1


def test_the_button_the_row_the_composer_and_the_status_bar_agree_on_money(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    qtbot.waitUntil(lambda: "balance $100.00" in window.balance.text())
    compose(qtbot, window, sample_links[:1], "character1 waves")
    assert window.composer.generate_button.text() == "Generate · $1.50"
    window.composer.generate_button.click()
    qtbot.waitUntil(lambda: (job := first_job(window)) is not None and job.state.is_followable)
    job = first_job(window)
    assert job is not None and job.credits_used == 3_150_000  # the service says $1.575
    assert cost_text(job) == "$1.50 quoted"
    assert window.composer.cost.text() == "Last job: $1.50 (the provider's price list)"
    # Until the ledger speaks, today counts the most of the quote and the service's report.
    qtbot.waitUntil(lambda: "today $1.57" in window.balance.text())
    qtbot.waitUntil(
        lambda: (job := first_job(window)) is not None and job.charged_credits is not None,
        timeout=20_000,
    )
    job = first_job(window)
    assert job is not None and cost_text(job) == "charged $1.50"
    assert window.composer.cost.text() == "Last job: $1.50, charged (the provider's ledger)"
    qtbot.waitUntil(lambda: "balance $98.50" in window.balance.text())  # the demo account too
    assert "today $1.50 ·" in window.balance.text()  # no limit set: no "of"

    def set_limit_in_settings(dialog: SettingsDialog) -> None:
        dialog.daily_limit.setValue(10)
        dialog.accept()

    when_modal(SettingsDialog, set_limit_in_settings)
    window.settings_flow.open_settings()  # as Ctrl+, does; the limit is in sight at once
    assert "today $1.50 of $10.00" in window.balance.text()


def test_a_money_setting_that_cannot_be_read_opens_settings_on_it(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    settings_file = window.services.settings_file.path
    settings_file.write_text(json.dumps({"daily_spend_limit_usd": "2.0"}))
    compose(qtbot, window, sample_links[:1], "character1 waves")
    seen: list[SettingsDialog] = []
    look_at_next_settings(seen)
    window.composer.generate_button.click()
    qtbot.waitUntil(lambda: bool(seen))
    sentence, focused = seen[0].problem.text(), seen[0].focusWidget()
    assert "daily_spend_limit_usd" in sentence and str(settings_file) in sentence
    assert focused is not None and focused.accessibleName() == "Daily spending limit"
    assert posts(sim) == 0 and window.services.model.rowCount() == 0
