"""A clip dropped from a file manager onto the reference list goes, through the creator's
own storage (moto on 127.0.0.1, signatures checked), to a sent job; without storage,
Generate opens Settings on its Storage part and sends nothing."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl
from pytestqt.qtbot import QtBot

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.simulator import Simulator
from desktop_app.ui.settings_dialog import SettingsDialog
from tests.s3_server import S3Server
from tests.ui.conftest import WindowFactory, look_at_next_settings, with_storage
from tests.ui.test_composer import drop


def drop_file(window: object, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop(window.references.list, mime)  # type: ignore[attr-defined]


def test_a_dropped_clip_is_uploaded_then_sent_as_a_private_link(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, s3: S3Server, local_clip: Path,
    demo_clip: bytes,
) -> None:  # fmt: skip
    with_storage(windows, s3, "window/")
    window = windows()
    drop_file(window, local_clip)
    assert window.references.links() == [local_clip.as_uri()]
    qtbot.waitUntil(lambda: window.references.check_of(local_clip.as_uri()) is not None)
    assert not window.references.check_failed(local_clip.as_uri())
    window.composer.prompt.setPlainText("character1 waves")
    qtbot.waitUntil(window.composer.generate_button.isEnabled)
    progressed: list[tuple[str, int, int, int]] = []
    window.controller.upload_progressed.connect(lambda *args: progressed.append(args))
    window.composer.generate_button.click()
    qtbot.waitUntil(lambda: sim.count("POST", GENERATIONS_PATH) == 1, timeout=20_000)
    [url] = json.loads(next(r.body for r in sim.requests if r.method == "POST"))["video_urls"]
    assert url.startswith(f"{s3.url}/{s3.bucket}/window/") and "X-Amz-Signature=" in url
    assert progressed[-1] == ("video_urls", 1, len(demo_clip), len(demo_clip))
    [key] = s3.object_keys("window/")
    assert s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read() == demo_clip


def test_without_storage_generate_opens_settings_on_storage_and_sends_nothing(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, local_clip: Path
) -> None:
    window = windows()
    drop_file(window, local_clip)
    window.composer.prompt.setPlainText("character1 waves")
    qtbot.waitUntil(window.composer.generate_button.isEnabled)
    seen: list[SettingsDialog] = []
    look_at_next_settings(seen)
    window.composer.generate_button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[0].storage is not None
    said = seen[0].storage.status.text()
    assert "no storage is set up" in said and "storage set" in said
    assert sim.count("POST", GENERATIONS_PATH) == 0


def test_after_a_restart_a_job_gives_back_the_creators_files(
    qtbot: QtBot, windows: WindowFactory, sim: Simulator, s3: S3Server, local_clip: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    """Use these settings, a dropped sidecar and Run again, after a restart: the creator's
    own file (not the signed link of the last run), and it is found; a file that moved is
    marked, and located."""
    from desktop_app.domain.job import JobState
    from desktop_app.ui.sidecars import read_sidecar_request
    from tests.ui.conftest import answer_next_dialog, wait_for_state

    with_storage(windows, s3, "r/")
    first = windows()
    drop_file(first, local_clip)
    first.composer.prompt.setPlainText("character1 waves")
    qtbot.waitUntil(first.composer.generate_button.isEnabled)
    first.composer.generate_button.click()
    job = wait_for_state(qtbot, first, JobState.DONE)
    windows.close(first)

    window = windows()  # the restart
    qtbot.waitUntil(lambda: window.services.model.rowCount() == 1)
    [sent] = job.request.video_urls
    assert sent.startswith(s3.url)  # what was sent: a signed link that expires
    window.drafts.use_settings(window.services.model.job_at(0).request_as_made())
    assert window.references.links() == [local_clip.as_uri()]
    qtbot.waitUntil(lambda: window.references.check_of(local_clip.as_uri()) is not None)
    assert not window.references.check_failed(local_clip.as_uri())
    assert job.file_path is not None
    sidecar = read_sidecar_request(job.file_path.with_suffix(".json"))
    assert sidecar is not None and sidecar.video_urls == (local_clip.as_uri(),)

    seen: list[str] = []
    answer_next_dialog("Run again", seen)
    window.submitting.run_again(window.services.model.job_at(0))
    qtbot.waitUntil(lambda: sim.count("POST", GENERATIONS_PATH) == 2, timeout=20_000)
    bodies = [json.loads(r.body) for r in sim.requests if r.method == "POST"]
    assert bodies[1]["video_urls"][0].startswith(f"{s3.url}/{s3.bucket}/r/")
    assert len(s3.object_keys("r/")) == 1  # signed again, not uploaded again

    moved = tmp_path / "moved" / local_clip.name
    moved.parent.mkdir()
    local_clip.rename(moved)
    window.references.set_links([local_clip.as_uri()])
    qtbot.waitUntil(lambda: "NOT FOUND" in window.references.list.item(0).text())
    assert "Double-click to locate it" in window.references.list.item(0).text()
    window.references.replace_row(0, moved.as_uri())  # what Locate… does with the answer
    qtbot.waitUntil(lambda: window.references.check_of(moved.as_uri()) is not None)
    assert not window.references.check_failed(moved.as_uri())
