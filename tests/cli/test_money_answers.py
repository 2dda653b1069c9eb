"""Money stays honest whatever the service answers (#26), with real processes against the
simulator: one POST per job however odd its answer, spending no report, forgetting or time
zone lowers, prices and charges read as the provider documents them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app.api.client import CATALOGUE_PATH
from desktop_app.simulator import Fault, Simulator
from tests.cli.test_cli import cli_env, wan
from tests.cli.test_money_guard import REQUEST, limit, listed, posts
from tests.conftest import TEST_KEY


def catalogue(pricing: dict[str, object]) -> Fault:
    body = json.dumps({"data": [{"id": "alibaba/wan-2-6-r2v", "pricing": pricing}]})
    return Fault("catalogue", status=200, body=body, content_type="application/json")


@pytest.mark.parametrize(
    ("headers", "state"),
    [
        ((("X-Note", "café"),), "queued"),
        ((("Content-Type", "application/json; charset=é"),), "queued"),
        ((("Content-Type", "text/html; charset=nonsense"), ("X-Note", "naïve")), "queued"),
        ((("Content-Encoding", "gzip"),), "unknown"),  # says compressed, is not
    ],
)
def test_an_accepted_post_is_sent_once_whatever_its_answer_looks_like(
    tmp_path: Path, sim: Simulator, headers: tuple[tuple[str, str], ...], state: str
) -> None:
    sim.add_fault(Fault("create", answer_headers=headers))
    sent = wan(tmp_path, "generate", *REQUEST, "--json", base_url=sim.base_url)
    assert "Traceback" not in sent.stderr
    assert posts(sim) == 1
    (job,) = listed(tmp_path, sim)
    assert job["state"] == state
    if state == "queued":
        assert sent.returncode == 0, sent.stderr
        assert job["generation_id"]
    else:
        assert sent.returncode == 5 and "could not be decoded" in sent.stdout
        assert "never left" not in sent.stdout + sent.stderr


@pytest.mark.parametrize(
    "fault",
    [
        Fault("create", answer_credits=0),
        Fault("create", answer_credits=-5),
        Fault("create", answer_credits=1e30),
        Fault("create", answer_credits=float("inf")),  # JSON's Infinity
        Fault(
            "create",
            answer_credits="n/a",
            answer_headers=(("x-aimlapi-credits-used", "12345678901234567890"),),
        ),
    ],
)
def test_a_reported_charge_that_is_no_charge_never_lowers_what_a_job_counts(
    tmp_path: Path, sim: Simulator, fault: Fault
) -> None:
    first = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert first.returncode == 0, first.stderr  # a 10 s 1080p job seen at $1.50-$1.575
    limit(tmp_path, 4.5)
    sim.add_fault(Fault("catalogue", status=503, times=20))
    (tmp_path / "cache" / "catalogue.json").unlink()
    sim.add_fault(fault)
    second = wan(tmp_path, "generate", *REQUEST, "--json", base_url=sim.base_url)
    assert second.returncode == 0, second.stderr  # counted at the highest price seen
    assert "Traceback" not in second.stderr
    job = json.loads(second.stdout)
    assert job["generation_id"] and job["state"] == "queued"
    third = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert third.returncode == 2 and "daily limit" in third.stderr, third.stderr
    assert posts(sim) == 2


def test_forgetting_jobs_gives_no_money_back(tmp_path: Path, sim: Simulator) -> None:
    limit(tmp_path, 3.5)  # two $1.50 jobs fit, a third does not
    for _ in range(2):
        assert wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url).returncode == 0
    assert wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url).returncode == 2
    for job in listed(tmp_path, sim):
        forgot = wan(tmp_path, "forget", job["id"], base_url=sim.base_url)
        assert forgot.returncode == 0, forgot.stderr
    assert listed(tmp_path, sim) == []
    refused = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert refused.returncode == 2 and "daily limit" in refused.stderr
    assert posts(sim) == 2


def test_today_is_one_utc_day_in_every_time_zone() -> None:
    """Processes in zones 26 hours apart agree on when today began: 00:00 UTC."""
    now = time.time()
    probe = f"from desktop_app.billing.spending import start_of_today as s; print(s({now}))"
    starts = {
        subprocess.run(
            [sys.executable, "-c", probe],
            env={"TZ": zone, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin", "UTC")
    }
    assert starts == {str(float(int(now // 86_400) * 86_400))}


def test_the_limit_holds_across_time_zones(tmp_path: Path, sim: Simulator) -> None:
    limit(tmp_path, 3.5)
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        sent = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url, env={"TZ": zone})
        assert sent.returncode == 0, sent.stderr
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):
        refused = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url, env={"TZ": zone})
        assert refused.returncode == 2 and "$3.15 is already spent" in refused.stderr
    assert posts(sim) == 2


def poison_the_cache(home: Path, sim: Simulator, *, checked_at: float) -> None:
    wan(home, "estimate", *REQUEST, base_url=sim.base_url)
    cache = home / "cache" / "catalogue.json"
    cached = json.loads(cache.read_text())
    body = json.dumps(cached["body"]).replace('"price": 0.15', '"price": 1e-300')
    assert body != json.dumps(cached["body"])
    cached.update(body=json.loads(body), checked_at=checked_at)
    cache.write_text(json.dumps(cached))  # its ETag still the service's


@pytest.mark.parametrize("age", [0, 7200])  # fresh; stale (a 304 would keep the body)
def test_a_poisoned_price_cache_is_no_price_and_is_fetched_again_whole(
    tmp_path: Path, sim: Simulator, age: int
) -> None:
    poison_the_cache(tmp_path, sim, checked_at=time.time() - age)
    before = [r.path for r in sim.requests].count(CATALOGUE_PATH)
    quote = wan(tmp_path, "estimate", *REQUEST, "--json", base_url=sim.base_url)
    assert quote.returncode == 0, quote.stderr
    assert json.loads(quote.stdout)["source"] == "catalogue"
    assert json.loads(quote.stdout)["usd"] == pytest.approx(1.5)
    asked = [r for r in sim.requests if r.path == CATALOGUE_PATH][before:]
    assert len(asked) == 1 and "if-none-match" not in asked[0].headers
    cache = json.loads((tmp_path / "cache" / "catalogue.json").read_text())
    assert "1e-300" not in json.dumps(cache["body"])


def test_a_price_below_any_video_price_lets_nothing_past_the_limit(
    tmp_path: Path, sim: Simulator
) -> None:
    variant = {"when": {"resolution": "1080p"}, "price": 1e-300, "unit": "second", "per": 1}
    sim.add_fault(catalogue({"kind": "variants", "variants": [variant]}))
    limit(tmp_path, 2.0)
    refused = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert refused.returncode == 2 and "price of this request is unknown" in refused.stderr
    assert posts(sim) == 0


def test_a_fixed_price_is_read_by_its_unit_name(tmp_path: Path, sim: Simulator) -> None:
    unit = {"name": "second", "measure": "output", "price": 0.12, "per": 1}
    sim.add_fault(catalogue({"kind": "fixed", "units": [unit]}))
    quote = wan(tmp_path, "estimate", *REQUEST, "--json", base_url=sim.base_url)
    assert quote.returncode == 0, quote.stderr
    answer = json.loads(quote.stdout)
    assert answer["source"] == "catalogue" and answer["usd"] == pytest.approx(1.2)


def test_a_charge_behind_two_thousand_other_entries_is_found(
    tmp_path: Path, sim: Simulator
) -> None:
    sim.account.other_charges = 2_000
    done = wan(tmp_path, "generate", *REQUEST, "--wait", "--json", base_url=sim.base_url)
    assert done.returncode == 0, done.stderr
    job = json.loads(done.stdout)
    sim.account.pass_time(sim.account.ledger_delay)  # it charges a moment after completion
    settled = wan(tmp_path, "reconcile", job["id"], "--json", base_url=sim.base_url, timeout=120)
    assert settled.returncode == 0, settled.stderr
    assert json.loads(settled.stdout)[0]["charged_usd"] == pytest.approx(1.5)
    asked = [r for r in sim.requests if r.path == "/v2/billing/transactions"]
    assert {tuple(r.query.get("direction", [])) for r in asked} >= {("CHARGE",)}
    assert all(r.query.get("type") in (["MODEL_USAGE"], ["REFUND"]) for r in asked)


def test_a_refunded_job_counts_nothing_and_says_so(tmp_path: Path, sim: Simulator) -> None:
    done = wan(tmp_path, "generate", *REQUEST, "--wait", "--json", base_url=sim.base_url)
    assert done.returncode == 0, done.stderr
    job = json.loads(done.stdout)
    sim.account.refunds[job["generation_id"]] = 1.5
    sim.account.pass_time(sim.account.ledger_delay + 1)
    settled = wan(tmp_path, "reconcile", job["id"], "--json", base_url=sim.base_url)
    assert settled.returncode == 0, settled.stderr
    assert json.loads(settled.stdout)[0]["charged_usd"] == 0.0
    shown = json.loads(wan(tmp_path, "show", job["id"], "--json", base_url=sim.base_url).stdout)
    assert "refunded" in [event["kind"] for event in shown["events"]]
    limit(tmp_path, 1.6)  # nothing spent today: one more fits
    assert wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url).returncode == 0


def test_a_lost_answer_whose_log_row_comes_late_is_never_called_never_received(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    """The request log names the job only once it is well under way (here 4 s; on the
    service, as late as a video takes): until then the job says what is known."""
    sim.account.log_delay = 4.0
    sim.add_fault(Fault("create", accept_then_drop=True))
    horizon = ("--reconcile-grace", "600")

    def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop_app", "--home", str(tmp_path), "--base-url",
             sim.base_url, "--poll-interval", "0.2", *horizon, *args],
            env=cli_env(AIMLAPI_KEY=TEST_KEY), capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    lost = json.loads(run_cli("generate", *REQUEST, "--json").stdout)
    assert lost["state"] == "unknown"
    early = run_cli("reconcile", lost["id"], "--json")
    assert early.returncode == 5, early.stderr
    (job,) = json.loads(early.stdout)
    assert job["state"] == "unknown"
    assert "may still be rendering" in job["error"]["message"]
    assert "Sending again may pay twice" in early.stderr
    assert "never received" not in early.stdout + early.stderr
    assert "safe" not in early.stdout + early.stderr
    sim.account.pass_time(sim.account.log_delay)
    found = run_cli("reconcile", lost["id"], "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["recovered"] is True
    assert posts(sim) == 1


def test_a_key_the_service_echoes_back_is_in_no_file_and_no_output(
    tmp_path: Path, sim: Simulator
) -> None:
    echo = f"Body validation error\nheaders: Authorization: Bearer {TEST_KEY}; key {TEST_KEY}"
    sim.add_fault(Fault("create", status=400, message=echo))
    refused = wan(tmp_path, "generate", *REQUEST, "--json", base_url=sim.base_url)
    assert refused.returncode == 3, refused.stderr
    shown = wan(tmp_path, "show", listed(tmp_path, sim)[0]["id"], "--json", base_url=sim.base_url)
    outputs = refused.stdout + refused.stderr + shown.stdout + shown.stderr
    assert "Body validation error" in outputs and "[redacted]" in outputs
    assert TEST_KEY not in outputs
    leaks = [p for p in tmp_path.rglob("*") if p.is_file() and TEST_KEY.encode() in p.read_bytes()]
    assert leaks == []


def test_a_clip_shorter_and_smaller_than_asked_is_noted_everywhere(
    tmp_path: Path, sim: Simulator
) -> None:
    """The simulator renders its 5 s 640×360 demo clip whatever is asked (as upstream hosts
    cap some requests): the job, its sidecar and its details say so."""
    done = wan(tmp_path, "generate", *REQUEST[:-2], "--duration", "15", "--wait", "--json",
               base_url=sim.base_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    job = json.loads(done.stdout)
    assert job["delivered"] == {"seconds": 5.0, "width": 640, "height": 360}
    assert job["delivery_note"] == "asked 15 s, got 5.0 s; asked 1080p 16:9, got 640×360"
    sidecar = json.loads(Path(job["file"]).with_suffix(".json").read_text())
    assert sidecar["delivery_note"] == job["delivery_note"]
    shown = wan(tmp_path, "show", job["id"], base_url=sim.base_url)
    assert "not what was asked: asked 15 s, got 5.0 s" in shown.stdout


def test_a_generate_whose_output_fails_after_sending_says_it_was_sent(
    tmp_path: Path, sim: Simulator
) -> None:
    with open("/dev/full", "w") as full:
        sent = subprocess.run(
            [sys.executable, "-m", "desktop_app", "--home", str(tmp_path), "--base-url",
             sim.base_url, "generate", *REQUEST, "--json"],
            env=cli_env(AIMLAPI_KEY=TEST_KEY), stdout=full, stderr=subprocess.PIPE,
            text=True, timeout=60,
        )  # fmt: skip
    assert sent.returncode == 7, sent.stderr
    (job,) = listed(tmp_path, sim)
    assert f"The request WAS sent (job {job['id']})" in sent.stderr
    assert "do not send it again" in sent.stderr and "Traceback" not in sent.stderr
    assert posts(sim) == 1
