"""The money guard as a tester attacks it, with real processes against the simulator: many
processes at once under the daily limit, malformed settings, poisoned prices and ledger
entries, a new job hidden for a moment, and sending again without dropping a record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_app.api.client import CATALOGUE_PATH, GENERATIONS_PATH
from desktop_app.simulator import Fault, Simulator
from tests.cli.test_cli import PROMPT, REF, cli_env, command, wan
from tests.conftest import TEST_KEY

REQUEST = ("--prompt", PROMPT, "--ref", REF, "--duration", "10")  # $1.50 at 1080p


def posts(sim: Simulator) -> int:
    return sim.count("POST", GENERATIONS_PATH)


def listed(home: Path, sim: Simulator) -> list[dict[str, Any]]:
    result = wan(home, "jobs", "--json", base_url=sim.base_url)
    assert result.returncode == 0, result.stderr
    jobs: list[dict[str, Any]] = json.loads(result.stdout)
    return jobs


def limit(home: Path, usd: float) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "settings.json").write_text(json.dumps({"daily_spend_limit_usd": usd}))


def start_generates(home: Path, sim: Simulator, count: int, *extra: str) -> list[int]:
    """`count` generate processes started together; their exit codes."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "desktop_app", *command(home, sim.base_url),
             "generate", *REQUEST, *extra],
            env=cli_env(AIMLAPI_KEY=TEST_KEY),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]  # fmt: skip
    ended = [(proc, proc.communicate(timeout=120)[1]) for proc in procs]  # all, then judge
    for proc, err in ended:
        assert "Traceback" not in err, err
        assert proc.returncode in (0, 2), err
    return [proc.returncode for proc, _ in ended]


def test_eight_processes_at_once_cannot_pass_a_limit_that_fits_one(
    tmp_path: Path, sim: Simulator
) -> None:
    limit(tmp_path, 2.0)
    codes = start_generates(tmp_path, sim, 8)
    assert sorted(codes) == [0] + [2] * 7
    assert posts(sim) == 1
    assert len(listed(tmp_path, sim)) == 1


def test_eight_batches_at_once_cannot_pass_a_limit_that_fits_one_batch(
    tmp_path: Path, sim: Simulator
) -> None:
    limit(tmp_path, 3.5)  # one batch of two takes: $3.00
    codes = start_generates(tmp_path, sim, 8, "--variations", "2")
    assert sorted(codes) == [0] + [2] * 7
    assert posts(sim) == 2
    jobs = listed(tmp_path, sim)
    assert len(jobs) == 2 and jobs[0]["batch_id"] == jobs[1]["batch_id"] is not None


@pytest.mark.parametrize(
    ("content", "names_key"),
    [
        ('{"daily_spend_limit_usd": "2.0"}', True),
        ('{"daily_spend_limit_usd": NaN}', True),
        ('{"daily_spend_limit_usd": Infinity}', True),
        ('{"daily_spend_limit_usd": true}', True),
        ('{"daily_spend_limit_usd": [2]}', True),
        ('{"daily_spend_limit_usd": -1}', True),
        ('{"confirm_above_usd": null}', True),
        (b'{"daily_spend_limit_usd": 2.0, "library": "\xff\xfe"}', False),
        ("[" * 200_000 + "]" * 200_000, False),
        ('{"daily_spend_limit_usd": 2.0, "pad": "' + "x" * 1_100_000 + '"}', False),
        ("[2.0]", False),
        ('{"daily_spend_limit_usd": 2.0', False),
        (None, False),  # a directory where the file should be
    ],
)
def test_a_money_setting_that_cannot_be_trusted_sends_nothing(
    tmp_path: Path, sim: Simulator, content: str | bytes | None, names_key: bool
) -> None:
    settings = tmp_path / "settings.json"
    tmp_path.mkdir(exist_ok=True)
    if content is None:
        settings.mkdir()
    elif isinstance(content, bytes):
        settings.write_bytes(content)
    else:
        settings.write_text(content)
    refused = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert refused.returncode == 2, refused.stderr
    assert "Traceback" not in refused.stderr
    assert "Nothing was sent" in refused.stderr and str(settings) in refused.stderr
    if names_key:
        assert "daily_spend_limit_usd" in refused.stderr or "confirm_above_usd" in refused.stderr
    assert posts(sim) == 0 and listed(tmp_path, sim) == []


def test_other_settings_that_cannot_be_read_fall_back_to_their_defaults(
    tmp_path: Path, sim: Simulator
) -> None:
    (tmp_path / "settings.json").write_text(
        json.dumps({"daily_spend_limit_usd": 2.0, "poll_interval": "soon", "library": 7})
    )
    first = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert first.returncode == 0, first.stderr
    second = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert second.returncode == 2 and "daily limit of $2.00" in second.stderr
    assert posts(sim) == 1


def catalogue_priced(price: str) -> Fault:
    """A catalogue answer whose 1080p price is `price` (JSON text, maybe not a number)."""
    variant = {"when": {"resolution": "1080p"}, "price": "PRICE", "unit": "second", "per": 1}
    pricing = {"kind": "variants", "variants": [variant]}
    body = json.dumps({"data": [{"id": "alibaba/wan-2-6-r2v", "pricing": pricing}]})
    return Fault(
        "catalogue",
        status=200,
        body=body.replace('"PRICE"', price),
        content_type="application/json",
    )


@pytest.mark.parametrize("price", ["0", "-0.15", "NaN", "Infinity", '"nan"'])
def test_a_poisoned_catalogue_price_is_no_price(tmp_path: Path, sim: Simulator, price: str) -> None:
    sim.add_fault(catalogue_priced(price))
    quote = wan(tmp_path, "estimate", *REQUEST, "--json", base_url=sim.base_url)
    assert quote.returncode == 0, quote.stderr
    assert json.loads(quote.stdout)["source"] == "unknown"
    # With a limit and no price known at all, nothing slips past it.
    limit(tmp_path, 5.0)
    sim.add_fault(catalogue_priced(price))
    (tmp_path / "cache" / "catalogue.json").unlink()
    refused = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert refused.returncode == 2, refused.stderr
    assert "price of this request is unknown" in refused.stderr
    assert posts(sim) == 0


def test_with_no_price_the_limit_counts_the_highest_price_seen(
    tmp_path: Path, sim: Simulator
) -> None:
    first = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert first.returncode == 0, first.stderr  # $1.50 quoted; the service reports $1.575
    limit(tmp_path, 4.5)
    sim.add_fault(Fault("catalogue", status=503, times=20))
    (tmp_path / "cache" / "catalogue.json").unlink()
    second = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert second.returncode == 0, second.stderr  # $1.50 + up to $1.58 fits $4.50
    assert "price is unknown" in second.stderr
    third = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert third.returncode == 2, third.stderr  # $3.08 + up to $1.58 does not
    assert "up to $1.57 (no price is known)" in third.stderr
    assert posts(sim) == 2


def test_a_cache_dated_in_the_future_is_revalidated(tmp_path: Path, sim: Simulator) -> None:
    wan(tmp_path, "estimate", *REQUEST, base_url=sim.base_url)
    cache = tmp_path / "cache" / "catalogue.json"
    cached = json.loads(cache.read_text())
    cached["checked_at"] = 4_102_444_800  # the year 2100
    cache.write_text(json.dumps(cached))
    wan(tmp_path, "estimate", *REQUEST, base_url=sim.base_url)
    assert [r.path for r in sim.requests].count(CATALOGUE_PATH) == 2
    assert json.loads(cache.read_text())["checked_at"] < 4_102_444_800


def test_a_negative_ledger_entry_is_no_charge_and_never_lowers_spending(
    tmp_path: Path, sim: Simulator
) -> None:
    limit(tmp_path, 2.0)
    done = wan(tmp_path, "generate", *REQUEST, "--wait", "--json", base_url=sim.base_url)
    assert done.returncode == 0, done.stderr
    job = json.loads(done.stdout)
    entry = {
        "reference_id": job["generation_id"],
        "direction": "CHARGE",
        "type": "MODEL_USAGE",
        "amount": {"usd": -100, "credits": -200_000_000},
        "created_at": "2026-01-01T00:00:00Z",
    }
    body = json.dumps({"data": [entry], "pagination": {"has_more": False}})
    sim.add_fault(Fault("ledger", status=200, body=body, content_type="application/json"))
    settled = wan(tmp_path, "reconcile", job["id"], "--json", base_url=sim.base_url)
    assert settled.returncode == 0, settled.stderr
    assert json.loads(settled.stdout)[0]["charged_usd"] is None
    shown = json.loads(wan(tmp_path, "show", job["id"], "--json", base_url=sim.base_url).stdout)
    assert "ledger_entry_ignored" in [event["kind"] for event in shown["events"]]
    again = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    # Counted at the most of its quote ($1.50) and what the service reported ($1.575).
    assert again.returncode == 2 and "$1.57 is already spent" in again.stderr
    assert posts(sim) == 1


def test_a_new_job_the_service_hides_for_a_moment_is_still_saved(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    sim.add_fault(Fault("poll", status=404, message="Generation not found", times=2))
    done = wan(tmp_path, "generate", *REQUEST, "--wait", "--json", base_url=sim.base_url)
    assert done.returncode == 0, done.stderr
    job = json.loads(done.stdout)
    assert job["state"] == "done"
    assert Path(job["file"]).read_bytes() == demo_clip
    assert posts(sim) == 1


def test_again_refused_by_the_limit_changes_nothing(tmp_path: Path, sim: Simulator) -> None:
    sim.add_fault(Fault("create", accept_then_drop=True))
    lost = wan(tmp_path, "generate", *REQUEST, "--json", base_url=sim.base_url)
    assert lost.returncode == 5
    before = listed(tmp_path, sim)
    limit(tmp_path, 2.0)  # the unknown job may have been billed: it counts
    refused = wan(tmp_path, "again", before[0]["id"], base_url=sim.base_url)
    assert refused.returncode == 2 and "daily limit" in refused.stderr
    assert listed(tmp_path, sim) == before
    no_key = wan(tmp_path, "again", before[0]["id"], key=None, base_url=sim.base_url)
    assert no_key.returncode == 2
    assert listed(tmp_path, sim) == before and posts(sim) == 1


def test_again_keeps_the_unknown_job_which_is_saved_too_when_it_did_arrive(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    sim.add_fault(Fault("create", accept_then_drop=True))
    lost = json.loads(wan(tmp_path, "generate", *REQUEST, "--json", base_url=sim.base_url).stdout)
    assert lost["state"] == "unknown"
    sent = wan(tmp_path, "again", lost["id"], "--new-seed", "--wait", "--json",
               base_url=sim.base_url)  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    new = json.loads(sent.stdout)
    assert new["state"] == "done" and Path(new["file"]).read_bytes() == demo_clip
    assert new["request"]["seed"] is not None
    old = json.loads(wan(tmp_path, "show", lost["id"], "--json", base_url=sim.base_url).stdout)
    assert old["superseded_by"] == new["id"] and old["state"] == "unknown"
    settled = wan(tmp_path, "reconcile", lost["id"], "--json", base_url=sim.base_url)
    assert settled.returncode == 0, settled.stderr
    found = json.loads(settled.stdout)[0]
    assert found["state"] == "done" and found["recovered"] is True
    assert Path(found["file"]).read_bytes() == demo_clip  # it was paid for: it is saved
    assert posts(sim) == 2
