"""Money: 2,000,000 credits to the dollar, written one way everywhere."""

from __future__ import annotations

from desktop_app.domain.money import credits_to_usd, format_credits, format_usd, usd_to_credits


def test_credits_and_dollars_convert_both_ways() -> None:
    assert credits_to_usd(3_150_000) == 1.575
    assert usd_to_credits(0.75) == 1_500_000
    assert usd_to_credits(credits_to_usd(1_234_567)) == 1_234_567


def test_amounts_are_written_as_people_read_them() -> None:
    assert format_usd(1.5) == "$1.50"
    assert format_usd(1234.5) == "$1,234.50"
    assert format_usd(0.001) == "<$0.01"
    assert format_usd(0) == "$0.00"
    assert format_credits(1_500_000) == "$0.75 (1,500,000 credits)"
