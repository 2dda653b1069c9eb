"""Wan 2.7 in the window: the model picker offers what each model takes, a switch keeps
what fits and Undo brings the rest back, and stills and a first frame from this computer go
through the creator's storage (moto on 127.0.0.1) to the simulator."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QUrl
from pytestqt.qtbot import QtBot

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.domain.models import WAN_26, WAN_27
from desktop_app.domain.request import GenerationRequest
from desktop_app.domain.take_differences import take_sides
from desktop_app.journal.job_journal import JobJournal
from desktop_app.simulator import Simulator
from desktop_app.ui.job_delegate import tile_facts
from desktop_app.ui.main_window import MainWindow
from tests.s3_server import S3Server
from tests.stills import png
from tests.ui.conftest import WindowFactory, with_storage
from tests.ui.test_composer import drop


def drop_files(window: MainWindow, *paths: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    drop(window.references.list, mime)


def pick_model(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    """Down or Up on the model picker, as a creator's keyboard does."""
    window.composer.model.setFocus()
    qtbot.keyClick(window.composer.model, key)


def test_switch_26_to_27_and_back_keeps_what_fits_and_undo_brings_the_rest(
    qtbot: QtBot, windows: WindowFactory, sample_links: list[str], tmp_path: Path
) -> None:
    window = windows()
    composer, refs = window.composer, window.references
    refs.set_links(sample_links[:2])
    composer.prompt.setPlainText("Image 1 hands Video 1 a cup")
    stills = [png(tmp_path / f"still {n}.png", 320, 240) for n in (1, 2)]
    drop_files(window, stills[0])
    assert "still 1.png is a still image: Wan 2.6 takes clips only" in refs.message.text()
    assert refs.links() == sample_links[:2]
    assert not refs.first_frame.isVisible()
    assert not composer.watermark.isVisible() and composer.shot_type.isVisible()

    pick_model(qtbot, window, Qt.Key.Key_Down)
    assert composer.model_spec.value is WAN_27
    assert composer.model.currentText() == "Wan 2.7"
    assert refs.first_frame.isVisible() and composer.watermark.isVisible()
    assert not composer.shot_type.isVisible()
    drop_files(window, *stills)
    assert refs.first_frame.take(str(png(tmp_path / "first.png", 640, 360)))
    assert [chip.text() for chip in composer.chip_buttons] == [
        "Video 1", "Video 2", "Image 1", "Image 2",
    ]  # fmt: skip
    assert composer.prompt_counter.text().endswith("/ 5000")
    assert "ignores the aspect ratio" in composer.aspect_note.text()
    request = composer.request()
    assert request.model == WAN_27.id and request.problems() == []
    assert [Path(QUrl(u).toLocalFile()).name for u in request.image_urls] == [
        "still 1.png", "still 2.png",
    ]  # fmt: skip
    assert request.first_frame_image is not None
    assert request.first_frame_image.endswith("first.png")
    qtbot.waitUntil(lambda: refs.checks.still_of(request.image_urls[0]) is not None)
    assert "still, 320×240" in refs.list.item(2).text()
    assert "Image 1 · still 1.png · this computer" in refs.list.item(2).text()

    pick_model(qtbot, window, Qt.Key.Key_Up)
    assert composer.model_spec.value is WAN_26
    assert refs.links() == sample_links[:2]
    assert composer.request().first_frame_image is None
    assert not refs.first_frame.isVisible()
    status = window.statusBar().currentMessage()
    assert "Wan 2.6 is chosen. It does not take 2 still images or the first frame." in status
    assert window.drafts.undo_button.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert composer.request() == request
    assert composer.model.currentText() == "Wan 2.7"
    assert refs.first_frame.isVisible()


def test_a_wan_27_job_with_two_stills_a_clip_and_a_first_frame_is_priced_and_sent(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, s3: S3Server, local_clip: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    with_storage(windows, s3, "w/")
    window = windows()
    composer, refs = window.composer, window.references
    composer.prompt.setPlainText("Image 1 and Image 2 dance around Video 1")
    drop_files(window, local_clip)
    qtbot.waitUntil(lambda: "$" in composer.generate_button.text())  # the catalogue is in
    assert composer.generate_button.text() == "Generate · $1.50"  # 2.6: 10 s × $0.15
    pick_model(qtbot, window, Qt.Key.Key_Down)
    drop_files(window, png(tmp_path / "mia.png", 480, 640), png(tmp_path / "rex.png", 800, 600))
    refs.first_frame.take(str(png(tmp_path / "opening.png", 1280, 720, (10, 200, 30))))
    qtbot.waitUntil(composer.generate_button.isEnabled)
    assert composer.generate_button.text() == "Generate · $1.95"  # 2.7: 10 s × $0.195
    told: list[tuple[str, int]] = []
    window.controller.upload_progressed.connect(lambda f, n, *_: told.append((f, n)))
    composer.generate_button.click()
    qtbot.waitUntil(lambda: sim.count("POST", GENERATIONS_PATH) == 1, timeout=20_000)
    body = json.loads(next(r.body for r in sim.requests if r.method == "POST"))
    assert body["model"] == WAN_27.id
    assert len(body["video_urls"]) == 1 and len(body["image_urls"]) == 2
    for url in [*body["video_urls"], *body["image_urls"], body["first_frame_image"]]:
        assert url.startswith(f"{s3.url}/{s3.bucket}/w/") and "X-Amz-Signature=" in url
    assert body["image_urls"][0].split("?")[0].endswith(".png")
    assert "shot_type" not in body
    assert len(s3.object_keys("w/")) == 4
    # Each upload is told with its field: the window shows it on that file's own row.
    assert set(told) == {("video_urls", 1), ("image_urls", 1), ("image_urls", 2),
                         ("first_frame_image", 1)}  # fmt: skip


def test_history_says_which_model_made_each_job_and_filters_by_model(
    qtbot: QtBot, windows: WindowFactory
) -> None:
    journal = JobJournal(windows.home / "journal.sqlite3")
    made = {}
    for name, model in (("older", WAN_26), ("newer", WAN_27)):
        request = GenerationRequest(
            prompt=f"character1 in the {name} take", video_urls=("https://e.com/a.mp4",),
            model=model.id, seed=5,
        )  # fmt: skip
        made[name] = journal.create(request)
    journal.close()
    window = windows(start=False)
    model, bar = window.services.model, window.jobs.filters

    def listed() -> list[str]:
        return [model.job_at(r).id for r in range(model.rowCount())]

    assert len(listed()) == 2
    bar.model.setCurrentIndex(bar.model.findText("Wan 2.7"))
    assert listed() == [made["newer"].id]
    assert bar.narrowed()
    window.jobs.view.setCurrentIndex(window.jobs.view.model().index(0, 0))
    assert f"job {made['newer'].id} · Wan 2.7" in window.jobs.details.text()
    assert tile_facts(made["newer"]).startswith("Wan 2.7 · seed 5")
    bar.model.setCurrentIndex(bar.model.findText("Wan 2.6"))
    assert listed() == [made["older"].id]
    first, second = take_sides(made["older"].request, made["newer"].request)
    assert first.facts[0] == "Wan 2.6" and second.facts[0] == "Wan 2.7"
