"""Money on the command line, against the simulator's account: the price before sending
(from the provider's catalogue, revalidated by ETag), the balance, the key check, the daily
spending limit, and what still works when the account endpoints fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.api.client import CATALOGUE_PATH, GENERATIONS_PATH
from desktop_app.domain.models import WAN_26
from desktop_app.simulator import Fault, Simulator
from desktop_app.simulator.records import USD_PER_SECOND
from tests.cli.test_cli import PROMPT, REF, wan

REQUEST = ("--prompt", PROMPT, "--ref", REF)


def estimate(home: Path, sim: Simulator, *options: str) -> dict[str, object]:
    result = wan(home, "estimate", *REQUEST, *options, "--json", base_url=sim.base_url)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


@pytest.mark.parametrize("resolution", ["720p", "1080p"])
def test_the_estimate_is_the_catalogue_price_for_every_resolution_and_duration(
    tmp_path: Path, sim: Simulator, resolution: str
) -> None:
    for duration in (5, 10, 15):
        quote = estimate(tmp_path, sim, "--resolution", resolution, "--duration", str(duration))
        usd = USD_PER_SECOND[WAN_26.id][resolution] * duration
        assert quote == {
            "usd": pytest.approx(usd),
            "credits": round(usd * 2_000_000),
            "source": "catalogue",
            "count": 1,
        }
    three = estimate(tmp_path, sim, "--resolution", resolution, "--count", "3")
    assert three["usd"] == pytest.approx(USD_PER_SECOND[WAN_26.id][resolution] * 10 * 3)
    assert three["count"] == 3
    words = wan(tmp_path, "estimate", *REQUEST, base_url=sim.base_url)
    assert "the provider's price list" in words.stdout
    assert sim.count("POST", GENERATIONS_PATH) == 0


def test_the_catalogue_is_cached_then_revalidated_with_its_etag(
    tmp_path: Path, sim: Simulator
) -> None:
    estimate(tmp_path, sim)
    estimate(tmp_path, sim)  # within the hour: the cached copy, no request
    fetches = [r for r in sim.requests if r.path == CATALOGUE_PATH]
    assert len(fetches) == 1 and "if-none-match" not in fetches[0].headers
    cache = tmp_path / "cache" / "catalogue.json"
    cached = json.loads(cache.read_text())
    cached["checked_at"] -= 7200  # two hours later
    cache.write_text(json.dumps(cached))
    assert estimate(tmp_path, sim)["source"] == "catalogue"
    fetches = [r for r in sim.requests if r.path == CATALOGUE_PATH]
    assert len(fetches) == 2
    assert fetches[1].headers["if-none-match"] == cached["etag"]  # answered 304
    assert json.loads(cache.read_text())["checked_at"] > cached["checked_at"]


def test_an_unreachable_catalogue_leaves_an_estimate_from_history_or_unknown(
    tmp_path: Path, sim: Simulator
) -> None:
    sim.add_fault(Fault("catalogue", status=503, times=10))
    assert estimate(tmp_path, sim)["source"] == "unknown"
    done = wan(tmp_path, "generate", *REQUEST, "--wait", base_url=sim.base_url)
    assert done.returncode == 0, done.stderr  # a submission is never blocked for its sake
    assert "price is unknown" in done.stderr
    quote = estimate(tmp_path, sim)
    assert quote["source"] == "history"
    assert quote["usd"] == pytest.approx(3_150_000 / 2_000_000)  # what that job cost


def test_the_balance_and_the_key_check(tmp_path: Path, sim: Simulator) -> None:
    balance = wan(tmp_path, "balance", "--json", base_url=sim.base_url)
    assert balance.returncode == 0, balance.stderr
    assert json.loads(balance.stdout) == {"usd": 100.0}
    checked = wan(tmp_path, "key", "status", "--check", base_url=sim.base_url)
    assert checked.returncode == 0, checked.stderr
    assert "accepts the key" in checked.stdout and "$100.00" in checked.stdout
    refused = wan(tmp_path, "key", "status", "--check", key="wrong-key-123456789",
                  base_url=sim.base_url)  # fmt: skip
    assert refused.returncode == 3
    assert "refused the API key" in refused.stderr
    sim.add_fault(Fault("balance", status=502))
    failing = wan(tmp_path, "balance", base_url=sim.base_url)
    assert failing.returncode == 5
    assert "problem on its side" in failing.stderr and "Traceback" not in failing.stderr


def test_the_daily_spending_limit_refuses_before_anything_is_sent(
    tmp_path: Path, sim: Simulator
) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({"daily_spend_limit_usd": 2.0}))
    first = wan(tmp_path, "generate", *REQUEST, "--duration", "10", base_url=sim.base_url)
    assert first.returncode == 0, first.stderr  # $1.50 of $2.00
    second = wan(tmp_path, "generate", *REQUEST, "--duration", "10", base_url=sim.base_url)
    assert second.returncode == 2
    assert "Not sent" in second.stderr
    assert "$1.50" in second.stderr and "$2.00" in second.stderr
    assert sim.count("POST", GENERATIONS_PATH) == 1
    listed = json.loads(wan(tmp_path, "jobs", "--json", base_url=sim.base_url).stdout)
    assert len(listed) == 1
    assert listed[0]["estimate_usd"] == pytest.approx(1.5)
    assert listed[0]["charged_usd"] is None


def test_reconcile_settles_a_lost_answer_on_request(
    tmp_path: Path, sim: Simulator, demo_clip: bytes
) -> None:
    sim.add_fault(Fault("create", accept_then_drop=True))
    sent = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert sent.returncode == 5 and "unknown" in sent.stderr
    settled = wan(tmp_path, "reconcile", "--json", base_url=sim.base_url)
    assert settled.returncode == 0, settled.stderr
    [job] = json.loads(settled.stdout)
    assert job["state"] == "done" and job["recovered"] is True
    assert Path(job["file"]).read_bytes() == demo_clip
    assert sim.count("POST", GENERATIONS_PATH) == 1


def test_malformed_account_answers_leave_the_commands_working(
    tmp_path: Path, sim: Simulator
) -> None:
    garbage = '{"data": [{"id": "alibaba/wan-2-6-r2v", "pricing": {"kind": "variants", ' \
        '"variants": [{"when": "1080p", "price": "lots"}]}}]}'  # fmt: skip
    sim.add_fault(Fault("catalogue", status=200, body=garbage, content_type="application/json"))
    assert estimate(tmp_path, sim)["source"] == "unknown"
    sim.add_fault(Fault("balance", status=200, body="[[[", content_type="application/json"))
    balance = wan(tmp_path, "balance", base_url=sim.base_url)
    assert balance.returncode == 5 and "could not be read" in balance.stderr
    assert "Traceback" not in balance.stderr
    sim.add_fault(Fault("deprecations", status=503))
    sent = wan(tmp_path, "generate", *REQUEST, base_url=sim.base_url)
    assert sent.returncode == 0, sent.stderr
    assert sim.count("GET", "/v1/models/deprecations") == 1
