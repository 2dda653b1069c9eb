"""What the service reports a job used is read as the provider documents it, and bounded:
nothing it says can become a charge of zero, a negative one, or one past $10,000."""

from __future__ import annotations

import pytest

from desktop_app.api.response import Generation, reported_credits, reported_usd


def answer(**usage: object) -> Generation:
    return Generation.from_json({"id": "g1", "status": "queued", "meta": {"usage": usage}})


def test_the_body_s_dollars_are_read_and_win_over_the_header() -> None:
    generation = answer(credits_used=3_900_000, usd_spent=1.95)
    assert generation.usd_spent == 1.95
    with_headers = generation.with_usage_headers({"x-aimlapi-usd-spent": "2.10"})
    assert with_headers.usd_spent == 1.95
    assert answer().with_usage_headers({"x-aimlapi-usd-spent": "2.10"}).usd_spent == 2.10


@pytest.mark.parametrize(
    "value", [0, -5, 1e30, float("inf"), float("nan"), "12345678901234567890", True, "1e400"]
)
def test_a_figure_that_is_no_charge_is_no_charge(value: object) -> None:
    assert reported_credits(value) is None
    assert reported_usd(value) is None
    assert answer(credits_used=value, usd_spent=value).credits_used is None


def test_a_real_figure_is_kept() -> None:
    assert reported_credits(3_150_000) == 3_150_000
    assert reported_credits("3150000") == 3_150_000
    assert reported_usd("1.575") == 1.575
    assert reported_usd(10_000) == 10_000 and reported_usd(10_000.01) is None
