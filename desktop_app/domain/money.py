"""Money: credits and US dollars, and the one way an amount is written for people.

The provider bills in credits; 2,000,000 credits are 1 USD (API.md section 4).
"""

from __future__ import annotations

CREDITS_PER_USD = 2_000_000


def credits_to_usd(credits: int) -> float:
    return credits / CREDITS_PER_USD


def usd_to_credits(usd: float) -> int:
    return round(usd * CREDITS_PER_USD)


def format_usd(usd: float) -> str:
    """Dollars as people read them: "$1.58"; a positive amount under a cent is "<$0.01"."""
    if 0 < usd < 0.005:
        return "<$0.01"
    return f"${usd:,.2f}"


def format_credits(credits: int) -> str:
    """An amount of credits with its dollar value: "$1.58 (3,150,000 credits)"."""
    return f"{format_usd(credits_to_usd(credits))} ({credits:,} credits)"
