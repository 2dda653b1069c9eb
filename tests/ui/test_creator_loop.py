"""The creator's loop in the window: the draft survives a restart, the result comes to the
player, and old takes are found again by a word of their prompt."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication, QListView, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.domain.job import JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.request import AspectRatio, GenerationRequest, Resolution, ShotType
from desktop_app.journal.job_journal import JobJournal
from desktop_app.qt.media_calls import stop_later
from desktop_app.simulator import Fault, Simulator
from desktop_app.ui.compare import CompareWindow
from desktop_app.ui.main_window import MainWindow
from tests.conftest import SAMPLES
from tests.ui.conftest import (
    WindowFactory,
    answer_next_dialog,
    compose_and_generate,
    wait_for_state,
)


def fill(window: MainWindow, links: list[str]) -> None:
    composer = window.composer
    window.references.set_links(links)
    composer.prompt.setPlainText("character1 dances with character2 in the rain")
    composer.negative.setPlainText("blur, text")
    composer.aspect.set_value(AspectRatio.PORTRAIT)
    composer.resolution.button(0).setChecked(True)
    composer.duration.button(2).setChecked(True)
    composer.shot_type.setCurrentIndex(1)
    composer.seed.field.setText("42")
    composer.seed.lock.setChecked(True)
    composer.variations.setValue(3)


def test_the_draft_is_back_after_a_restart(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    first = windows()
    fill(first, sample_links[:2])
    windows.close(first)  # quitting mid-draft

    second = windows()
    request = second.composer.request()
    assert request.video_urls == tuple(sample_links[:2])
    assert request.prompt == "character1 dances with character2 in the rain"
    assert request.negative_prompt == "blur, text"
    assert request.aspect_ratio is AspectRatio.PORTRAIT
    assert request.resolution is Resolution.HD and request.duration == 15
    assert request.shot_type is ShotType.MULTI and request.seed == 42
    assert second.composer.seed.lock.isChecked()
    assert second.composer.variations.value() == 3
    assert second.composer.generate_button.text().startswith("Generate 3")


def test_the_draft_is_saved_as_one_types_without_closing(
    qtbot: QtBot, windows: WindowFactory
) -> None:
    window = windows()
    qtbot.keyClicks(window.composer.prompt, "character1 waves")
    qtbot.waitUntil(
        lambda: (
            (draft := window.basics.draft.load()) is not None
            and draft["request"]["prompt"] == "character1 waves"
        ),
        timeout=3_000,
    )
    assert window.composer.prompt.toPlainText() == "character1 waves"


def test_a_finished_clip_comes_to_the_idle_player_and_counts_as_new_until_seen(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    assert window.player.is_idle()
    compose_and_generate(window, sample_links[:1], "character1 bows")
    qtbot.waitUntil(lambda: window.services.model.rowCount() == 1)
    window.jobs.view.clearSelection()
    window.jobs.view.setCurrentIndex(QModelIndex())  # looking elsewhere
    job = wait_for_state(qtbot, window, JobState.DONE)
    assert job.file_path is not None
    qtbot.waitUntil(lambda: window.player.player.source().toLocalFile() == str(job.file_path))
    assert window.player.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState
    assert window.windowTitle().endswith("— 1 new")
    assert window.arrivals.unseen == [job.id]
    window.jobs.select(job.id)
    assert window.windowTitle() == "Wan Studio"
    assert window.arrivals.unseen == []


def test_a_clip_the_creator_is_watching_is_not_replaced(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    window.player.player.setLoops(QMediaPlayer.Loops.Infinite)
    window.player.play(str(SAMPLES[0]), "my reference")
    qtbot.waitUntil(
        lambda: window.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
    )
    compose_and_generate(window, sample_links[1:2], "character1 hops")
    wait_for_state(qtbot, window, JobState.DONE)
    assert window.player.player.source().toLocalFile() == str(SAMPLES[0])
    assert window.player.title.text() == "my reference"


def test_search_filters_and_sort_narrow_the_list(qtbot: QtBot, windows: WindowFactory) -> None:
    journal = JobJournal(windows.home / "journal.sqlite3")
    made = {}
    for prompt, resolution, credits in (
        ("character1 surfs at the beach", Resolution.HD, 1_000_000),
        ("character1 climbs a snowy mountain", Resolution.FULL_HD, 3_000_000),
        ("character1 naps on the beach", Resolution.FULL_HD, 2_000_000),
    ):
        request = GenerationRequest(prompt=prompt, video_urls=("https://e.com/a.mp4",),
                                    resolution=resolution)  # fmt: skip
        job = journal.create(request)
        journal.update(
            job.id, JobChange(state=JobState.QUEUED, generation_id=job.id, credits_used=credits)
        )
        journal.update(job.id, JobChange(state=JobState.FAILED))
        made[prompt.split()[1]] = job.id
    journal.close()
    window = windows(start=False)
    model, bar = window.services.model, window.jobs.filters

    def listed() -> list[str]:
        return [model.job_at(r).id for r in range(model.rowCount())]

    assert len(listed()) == 3
    qtbot.keyClicks(bar.search, "beach")
    qtbot.waitUntil(lambda: listed() == [made["naps"], made["surfs"]])
    bar.resolution.setCurrentIndex(bar.resolution.findData(Resolution.FULL_HD))
    assert listed() == [made["naps"]]
    bar.search.clear()
    qtbot.waitUntil(lambda: len(listed()) == 2)
    bar.sort.setCurrentIndex(bar.sort.findText("Most expensive"))
    assert listed() == [made["climbs"], made["naps"]]
    bar.state.setCurrentIndex(bar.state.findText("Done"))
    assert listed() == []
    bar.grid.click()
    assert window.jobs.view.viewMode() == QListView.ViewMode.IconMode


EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]+(Error|Exception|Timeout)\b")
FIELD_NAMES = ("video_urls", "negative_prompt", "enhance_prompt", "shot_type", "aspect_ratio")


def test_the_words_are_a_creators_not_the_apis(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    composer = window.composer
    composer.seed.field.setText("x")
    texts = [composer.reason.text()]
    window.references.set_links([sample_links[0], sample_links[0] + "?again"])
    composer.prompt.setPlainText("y" * 1600)
    composer.negative.setPlainText("z" * 600)
    texts.append(composer.reason.text())
    sim.add_fault(Fault("create", drop=True))
    composer.prompt.setPlainText("character1 waves")
    composer.negative.clear()
    composer.seed.field.clear()
    window.references.set_links(sample_links[:1])
    with qtbot.waitSignal(window.controller.problem_raised) as raised:
        composer.generate_button.click()
    texts.append(raised.args[1])
    window.jobs.view.setCurrentIndex(window.services.model.index(0))
    texts.append(window.jobs.details.text())
    for text in texts:
        assert text
        assert not EXCEPTION_NAME.search(text), text
        assert not any(name in text for name in FIELD_NAMES), text
        assert "wan-studio " not in text, text  # nothing asks for a terminal
    assert "The seed must be a whole number" in texts[0]
    assert "Shorten the prompt to 1500 characters" in texts[1]


def test_generate_asks_once_before_spending_on_a_broken_reference(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    broken = f"{sim.base_url}/samples/missing.mp4"
    window.references.set_links([sample_links[0], broken])
    window.composer.prompt.setPlainText("character1 meets character2 and character3")
    qtbot.waitUntil(lambda: window.references.failed_references() == [2])
    assert "CHECK FAILED" in window.references.list.item(1).text()
    seen: list[str] = []
    answer_next_dialog("Cancel", seen)
    window.composer.generate_button.click()
    assert len(seen) == 1
    assert "Reference 2 failed its check" in seen[0]
    assert "character3" in seen[0]
    assert sim.count("POST", "/v2/video/generations") == 0


def posted_seeds(sim: Simulator) -> list[int | None]:
    bodies = [json.loads(r.body) for r in sim.requests if r.method == "POST"]
    return [body.get("seed") for body in bodies]


def test_variations_make_one_batch_with_distinct_seeds(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    window.composer.variations.setValue(3)
    compose_and_generate(window, sample_links[:1], "character1 juggles")
    model = window.services.model
    qtbot.waitUntil(lambda: model.rowCount() == 3 and sim.count("POST", "/v2/") == 3)
    random_seeds = posted_seeds(sim)
    assert len(set(random_seeds)) == 3 and None not in random_seeds
    jobs = [model.job_at(r) for r in range(3)]
    assert len({job.batch_id for job in jobs}) == 1 and jobs[0].batch_id is not None
    assert sorted(job.request.seed for job in jobs) == sorted(random_seeds)  # type: ignore[type-var]

    window.composer.seed.field.setText("100")
    window.composer.seed.lock.setChecked(True)
    qtbot.waitUntil(window.composer.generate_button.isEnabled)
    window.composer.generate_button.click()
    qtbot.waitUntil(lambda: sim.count("POST", "/v2/") == 6)
    assert posted_seeds(sim)[3:] == [100, 101, 102]


def test_run_again_shows_the_price_then_sends_the_same_request(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    window = windows()
    window.composer.seed.field.setText("77")
    compose_and_generate(window, sample_links[:1], "character1 spins")
    job = wait_for_state(qtbot, window, JobState.DONE)
    seen: list[str] = []
    answer_next_dialog("Run again · same seed", seen)
    window.submitting.run_again(job)
    assert seen and "$1.50" in seen[0] and "with the same seed (77)" in seen[0]
    qtbot.waitUntil(lambda: sim.count("POST", "/v2/") == 2)
    qtbot.waitUntil(lambda: not window.state.sending.value)
    answer_next_dialog("New seed", seen)
    window.submitting.run_again(job)
    qtbot.waitUntil(lambda: sim.count("POST", "/v2/") == 3)
    bodies = [json.loads(r.body) for r in sim.requests if r.method == "POST"]
    assert bodies[0] == bodies[1] and bodies[0]["seed"] == 77
    assert bodies[2]["seed"] != 77 and {**bodies[2], "seed": 77} == bodies[0]


def test_a_dropped_sidecar_restores_its_settings(
    qtbot: QtBot, windows: WindowFactory, tmp_path: Path, sample_links: list[str]
) -> None:
    window = windows()
    request = GenerationRequest(
        prompt="character1 and character2 wave", video_urls=tuple(sample_links[:2]),
        resolution=Resolution.HD, duration=5, seed=7, aspect_ratio=AspectRatio.SQUARE,
    )  # fmt: skip
    clip = tmp_path / "take.mp4"
    clip.write_bytes(b"not really a clip")
    clip.with_suffix(".json").write_text(json.dumps({"request": request.to_json()}))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(clip))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dropEvent(drop)
    expected = replace(request, enhance_prompt=True, shot_type=ShotType.SINGLE)
    assert window.composer.request() == expected


def test_a_clip_under_review_is_not_replaced_by_an_arrival(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    player = window.player
    player.show_paused(str(SAMPLES[1]), "a clip")  # came in by itself: may be replaced
    qtbot.waitUntil(lambda: player.player.duration() > 0)
    player.seek_to(1000)  # now the creator looks at it
    assert not player.is_idle()
    compose_and_generate(window, sample_links[:1], "character1 bows")
    job = wait_for_state(qtbot, window, JobState.DONE)
    assert player.player.source().toLocalFile() == str(SAMPLES[1])
    assert "A new clip is ready" in window.statusBar().currentMessage()
    assert "Ctrl+Shift+P plays it" in window.statusBar().currentMessage()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    control_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_P, control_shift)
    qtbot.waitUntil(lambda: player.player.source().toLocalFile() == str(job.file_path))
    assert window.jobs.selected() is not None and window.jobs.selected().id == job.id


def test_the_player_keys_work_from_the_job_list(qtbot: QtBot, windows: WindowFactory) -> None:
    window = windows()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.player.show_paused(str(SAMPLES[0]), "a clip")
    qtbot.waitUntil(lambda: not window.player.player.source().isEmpty())
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.player.hasFocus()
    window.jobs.view.setFocus()
    qtbot.keyClick(window.jobs.view, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: window.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
    )


def test_a_refused_key_offers_replace_and_says_where_it_comes_from(
    qtbot: QtBot, loop: object, tmp_path: Path, sim: Simulator, sample_links: list[str]
) -> None:
    windows = WindowFactory(qtbot, tmp_path / "home", sim.base_url,
                            {"AIMLAPI_KEY": "an-expired-key-0123456789"})  # fmt: skip
    try:
        window = windows()
        compose_and_generate(window, sample_links[:1], "character1 waves")
        qtbot.waitUntil(
            lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)), timeout=10_000
        )
        [box] = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        assert "refused the API key" in box.text()
        assert "AIMLAPI_KEY environment variable" in box.text()
        assert any(b.text() == "Replace key…" for b in box.buttons())
        box.close()
    finally:
        windows.close_all()


def test_two_takes_compare_side_by_side_in_step(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    window.composer.seed.field.setText("5")
    window.composer.seed.lock.setChecked(True)
    window.composer.variations.setValue(2)
    compose_and_generate(window, sample_links[:1], "character1 twirls")
    model = window.services.model
    qtbot.waitUntil(
        lambda: (
            model.rowCount() == 2 and all(model.job_at(r).state is JobState.DONE for r in range(2))
        ),
        timeout=30_000,
    )
    window.jobs.view.selectAll()
    assert window.jobs.compare_button.isEnabled()
    window.jobs.compare_button.click()
    [compare] = window.findChildren(CompareWindow)
    left, right = compare.left.player, compare.right.player
    qtbot.waitUntil(lambda: left.duration() > 0 and right.duration() > 0, timeout=10_000)
    frame = 42  # one frame of a 24 fps clip, in ms
    compare.seek_to(2000)
    qtbot.waitUntil(lambda: abs(left.position() - 2000) <= frame)
    assert abs(left.position() - right.position()) <= frame
    compare.step(1)
    qtbot.waitUntil(lambda: left.position() >= 2000 + 30)
    assert abs(left.position() - right.position()) <= frame
    compare.toggle_play()
    qtbot.wait(500)
    compare.toggle_play()  # paused: both put at the same place
    assert abs(left.position() - right.position()) <= frame
    labels = {compare.left.label.text(), compare.right.label.text()}
    assert labels == {"Seed 5", "Seed 6"}  # each side says what it is, in plain words
    compare.seek_to(3000)
    qtbot.waitUntil(lambda: abs(left.position() - 3000) <= frame)
    sizes = compare.left.video.size(), compare.right.video.size()
    first_left = compare.left.job
    compare.swap()
    assert compare.right.job is first_left
    qtbot.wait(200)  # a swap loads nothing: the picture stays where it was
    assert abs(compare.left.player.position() - 3000) <= frame
    assert abs(compare.right.player.position() - 3000) <= frame
    assert compare.left.video.size() == compare.right.video.size() == sizes[0] == sizes[1]
    assert not compare.left.audio.isMuted() and compare.right.audio.isMuted()
    compare.close()


def test_the_services_refusal_is_tied_to_the_reference_it_names(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, sample_links: list[str]
) -> None:
    lines = "[video_urls.1] The clip could not be fetched\n[prompt] Too long here"
    sim.add_fault(Fault("create", status=400, message=f"Body validation error\n{lines}"))
    window = windows()
    with qtbot.waitSignal(window.controller.problem_raised) as raised:
        compose_and_generate(window, sample_links[:2], "character1 greets character2")
    sentence = raised.args[1]
    assert "The clip could not be fetched\n[prompt] Too long here" in sentence  # lines kept
    qtbot.waitUntil(lambda: window.references.failed_references() == [2])
    assert (
        "THE SERVICE SAID: The clip could not be fetched" in window.references.list.item(1).text()
    )
    assert "SERVICE" not in window.references.list.item(0).text()


def test_tab_follows_the_visual_order(qtbot: QtBot, windows: WindowFactory) -> None:
    window = windows()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    composer = window.composer
    order = [composer.seed.field, composer.seed.dice, composer.seed.lock, composer.variations,
             window.jobs.filters.search]  # fmt: skip
    composer.generate_button.setEnabled(True)
    order.insert(4, composer.generate_button)
    order[0].setFocus()
    for expected in order[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected or (
            expected is composer.variations
            and QApplication.focusWidget().parent() is composer.variations
        ), (expected, QApplication.focusWidget())


def test_the_layout_stays_put_when_playback_starts_and_stops(
    qtbot: QtBot, windows: WindowFactory
) -> None:
    window = windows()
    window.resize(1280, 800)
    qtbot.wait(100)
    button = window.composer.generate_button
    before = (window.main.sizes(), button.mapTo(window, button.rect().topLeft()))
    window.player.play(str(SAMPLES[0]), "a clip")
    qtbot.waitUntil(
        lambda: window.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
    )
    qtbot.wait(100)
    assert (window.main.sizes(), button.mapTo(window, button.rect().topLeft())) == before
    stop_later(window.player.player)
    qtbot.waitUntil(
        lambda: window.player.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState
    )
    assert (window.main.sizes(), button.mapTo(window, button.rect().topLeft())) == before


def test_use_these_settings_makes_one_take_and_says_so(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str]
) -> None:
    window = windows()
    window.composer.variations.setValue(4)
    request = GenerationRequest(prompt="character1 waves", video_urls=tuple(sample_links[:1]))
    window.drafts.use_settings(request)
    assert window.composer.variations.value() == 1
    assert "Variations is back to 1." in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: "$" in window.composer.generate_button.text())
    assert window.composer.generate_button.text().startswith("Generate · ")  # one take
    window.drafts.undo()
    assert window.composer.variations.value() == 4
