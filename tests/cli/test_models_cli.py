"""Wan 2.7 beside 2.6 on the command line (#27): a 2.7 job with stills, a clip and a first
frame reaches the simulator as the service documents it, at 2.7's price; a field a model
does not have is refused naming the model; every job says its model."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from desktop_app.api.client import GENERATIONS_PATH
from desktop_app.simulator import Fault, Simulator
from tests.cli.test_cli import REF, wan
from tests.cli.test_local_clips import keys_of, run, set_storage
from tests.s3_server import S3Server
from tests.stills import bmp, png

STILLS = ("https://example.com/mia.png", "https://example.com/rex.jpg")
FRAME = "https://example.com/first.png"


def sent_bodies(sim: Simulator) -> list[dict[str, object]]:
    return [
        json.loads(r.body)
        for r in sim.requests
        if r.method == "POST" and r.path == GENERATIONS_PATH
    ]


def test_a_wan_27_job_with_stills_a_clip_and_a_first_frame(tmp_path: Path, sim: Simulator) -> None:
    done = wan(tmp_path, "generate", "--model", "2.7", "--prompt", "Image 1 and Image 2 dance",
               "--image", STILLS[0], "--image", STILLS[1], "--ref", REF, "--first-frame", FRAME,
               "--duration", "10", "--watermark", "--wait", "--json",
               base_url=sim.base_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Price: $1.95 (the provider's price list)" in done.stderr  # 2.7's, not 2.6's
    [body] = sent_bodies(sim)
    assert body == {
        "model": "alibaba/wan-2-7-r2v",
        "prompt": "Image 1 and Image 2 dance",
        "video_urls": [REF],
        "image_urls": list(STILLS),
        "first_frame_image": FRAME,
        "duration": 10,
        "watermark": True,
    }
    job = json.loads(done.stdout)
    assert job["model"] == "alibaba/wan-2-7-r2v" and job["state"] == "done"
    listed = json.loads(wan(tmp_path, "jobs", "--json", base_url=sim.base_url).stdout)
    assert [j["model"] for j in listed] == ["alibaba/wan-2-7-r2v"]
    only_26 = wan(tmp_path, "jobs", "--model", "2.6", "--json", base_url=sim.base_url)
    assert json.loads(only_26.stdout) == []
    only_27 = wan(tmp_path, "jobs", "--model", "2.7", "--json", base_url=sim.base_url)
    assert [j["id"] for j in json.loads(only_27.stdout)] == [job["id"]]
    again = wan(tmp_path, "again", job["id"], "--json", base_url=sim.base_url)
    assert again.returncode == 0, again.stderr
    assert sent_bodies(sim)[1]["model"] == "alibaba/wan-2-7-r2v"  # again keeps the model


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--image", STILLS[0]), "Wan 2.6 (alibaba/wan-2-6-r2v) has no image_urls"),
        (("--first-frame", FRAME), "Wan 2.6 (alibaba/wan-2-6-r2v) has no first_frame_image"),
        (("--model", "2.7", "--shot-type", "multi"), "Wan 2.7 (alibaba/wan-2-7-r2v) has no"),
        (("--model", "3.0"), "model: must be one of alibaba/wan-2-6-r2v, alibaba/wan-2-7-r2v"),
    ],
)
def test_what_a_model_does_not_take_is_refused_naming_it(
    tmp_path: Path, sim: Simulator, extra: tuple[str, ...], words: str
) -> None:
    refused = wan(tmp_path, "generate", "--prompt", "character1 waves", "--ref", REF, *extra,
                  base_url=sim.base_url)  # fmt: skip
    assert refused.returncode == 2, refused.stderr
    assert words in refused.stderr and "Nothing was sent" in refused.stderr
    assert sent_bodies(sim) == []


def test_wan_26_stays_the_default_at_its_own_price(tmp_path: Path, sim: Simulator) -> None:
    quote = wan(tmp_path, "estimate", "--prompt", "character1 waves", "--ref", REF, "--json",
                base_url=sim.base_url)  # fmt: skip
    assert json.loads(quote.stdout)["usd"] == pytest.approx(1.5)
    wan27 = wan(tmp_path, "estimate", "--model", "2.7", "--prompt", "Image 1 waves", "--image",
                STILLS[0], "--resolution", "720p", "--json", base_url=sim.base_url)  # fmt: skip
    assert json.loads(wan27.stdout)["usd"] == pytest.approx(1.3)


def test_the_limit_counts_each_model_by_its_own_prices_seen(tmp_path: Path, sim: Simulator) -> None:
    """No price list: a 2.6 job seen lets the next 2.6 one be counted, not a 2.7 one."""
    first = wan(tmp_path, "generate", "--prompt", "character1 waves", "--ref", REF,
                base_url=sim.base_url)  # fmt: skip
    assert first.returncode == 0, first.stderr
    (tmp_path / "settings.json").write_text(json.dumps({"daily_spend_limit_usd": 10.0}))
    sim.add_fault(Fault("catalogue", status=503, times=20))
    for cache in (tmp_path / "cache").glob("catalogue*.json"):
        cache.unlink()
    wan26 = wan(tmp_path, "generate", "--prompt", "character1 waves", "--ref", REF,
                base_url=sim.base_url)  # fmt: skip
    assert wan26.returncode == 0, wan26.stderr
    wan27 = wan(tmp_path, "generate", "--model", "2.7", "--prompt", "Image 1 waves",
                "--image", STILLS[0], base_url=sim.base_url)  # fmt: skip
    assert wan27.returncode == 2
    assert "no earlier Wan 2.7 1080p, 10 s job gives one" in wan27.stderr
    assert len(sent_bodies(sim)) == 2


def test_a_wan_27_job_from_local_stills_a_clip_and_a_first_frame_through_storage(
    tmp_path: Path, sim: Simulator, s3: S3Server, local_clip: Path
) -> None:
    """Two photos and a clip from this computer, and a first frame from a file: each goes
    up to the creator's bucket (content-addressed) and the service gets signed links."""
    set_storage(tmp_path, sim, s3, "--prefix", "stills/")
    mia, rex = png(tmp_path / "mia.png", 480, 640), bmp(tmp_path / "rex.bmp", 640, 480)
    frame = png(tmp_path / "first.png", 1280, 720, (20, 20, 200))
    done = run(tmp_path, sim, "generate", "--model", "2.7", "--prompt", "Image 1 and Image 2",
               "--image", str(mia), "--image", str(rex), "--ref", str(local_clip),
               "--first-frame", str(frame), "--json", **keys_of(s3))  # fmt: skip
    assert done.returncode == 0, done.stderr
    [body] = sent_bodies(sim)
    links = [*body["video_urls"], *body["image_urls"], body["first_frame_image"]]  # type: ignore[misc]
    assert len(links) == 4 and all("X-Amz-Signature=" in link for link in links)
    keys = sorted(s3.object_keys("stills/"))
    digests = sorted(
        f"stills/{hashlib.sha256(p.read_bytes()).hexdigest()}{p.suffix}"
        for p in (mia, rex, frame, local_clip)
    )
    assert keys == digests
    job = json.loads(done.stdout)
    fields = sorted((r["field"], r["slot"]) for r in job["local_references"])
    assert fields == [("first_frame_image", 1), ("image_urls", 1), ("image_urls", 2),
                      ("video_urls", 1)]  # fmt: skip
    again = run(tmp_path, sim, "again", job["id"], "--json", **keys_of(s3))
    assert again.returncode == 0, again.stderr
    resent = sent_bodies(sim)[1]
    assert len(resent["image_urls"]) == 2 and "X-Amz-Signature=" in resent["first_frame_image"]


def test_a_still_too_small_is_refused_before_anything_goes_up(
    tmp_path: Path, sim: Simulator, s3: S3Server
) -> None:
    set_storage(tmp_path, sim, s3, "--prefix", "small/")
    tiny = png(tmp_path / "tiny.png", 120, 120)
    refused = run(tmp_path, sim, "generate", "--model", "2.7", "--prompt", "Image 1",
                  "--image", str(tiny), **keys_of(s3))  # fmt: skip
    assert refused.returncode == 2 and "tiny.png is 120×120 pixels" in refused.stderr
    assert s3.object_keys("small/") == [] and sent_bodies(sim) == []
