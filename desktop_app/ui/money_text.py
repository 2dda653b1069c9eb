"""A job's money in the window's words, from the one rule (`Job.cost`): the row, the
composer's "Last job" and the details all read it here, so they never disagree. And the
price on the Generate button, with today's limit."""

from __future__ import annotations

from desktop_app.domain.job import CostSource, Job
from desktop_app.domain.money import format_credits, format_usd
from desktop_app.domain.pricing import SOURCE_WORDS, PriceSource, Quote


def cost_text(job: Job) -> str:
    """Short, for a row: "charged $1.50", "not charged", "$1.50 quoted", "about $1.50",
    "$1.58 reported"; empty when nothing is known."""
    known = job.cost()
    if known is None:
        return ""
    amount = format_usd(known.usd)
    if known.source is CostSource.LEDGER:
        return "not charged" if known.usd == 0 else f"charged {amount}"
    if known.source is CostSource.REPORTED:
        return f"{amount} reported"
    if job.estimate_source is PriceSource.HISTORY:
        return f"about {amount}"
    return f"{amount} quoted"


def cost_sentence(job: Job) -> str:
    """Longer, with where the number comes from: "$1.50 (the provider's ledger)"."""
    known = job.cost()
    if known is None:
        return "not known yet"
    if known.source is CostSource.LEDGER:
        return (
            "not charged (the provider's ledger)"
            if known.usd == 0
            else (f"{format_usd(known.usd)}, charged (the provider's ledger)")
        )
    if known.source is CostSource.QUOTED and job.estimate_source is not None:
        return Quote(known.usd, job.estimate_source).explain()
    return f"{format_usd(known.usd)} ({known.source})"


def money_lines(job: Job) -> list[str]:
    """The price quoted before sending and the charge, each with where it came from."""
    lines = []
    if job.estimate_usd is not None and job.estimate_source is not None:
        quote = Quote(job.estimate_usd, job.estimate_source)
        lines.append(f"Price quoted: {quote.explain()}")
    if job.charged_credits == 0:
        lines.append("Not charged (the provider's ledger)")
    elif job.charged_credits is not None:
        lines.append(f"Charged: {format_credits(job.charged_credits)} (the provider's ledger)")
    elif job.reported_usd is not None and job.credits_used is not None:
        lines.append(f"Reported by the service: {format_credits(job.credits_used)}")
    if job.superseded_by:
        lines.append(f"Sent again as job {job.superseded_by}; this one is still settled.")
    return lines


def over_limit(quote: Quote, left_today: float | None) -> bool:
    """A request of this price would take today past the limit (None: no limit)."""
    return left_today is not None and quote.usd is not None and quote.usd > left_today + 1e-9


def generate_label(
    count: int, *, busy: bool, starting: bool, quote: Quote | None, left_today: float | None
) -> tuple[str, str]:
    """The Generate button's text and tip: sending, starting, its price (`quote`, None
    while the request cannot be sent), or that today's limit would refuse it."""
    name = "Generate" if count == 1 else f"Generate {count}"
    if busy:
        return "Sending…", "The request is on its way."
    if starting:
        return name, "Wan Studio is starting: a moment."
    if quote is None:
        return name, "Send this request to the service (Ctrl+Enter)"
    if over_limit(quote, left_today):
        left = format_usd(left_today or 0.0)
        return f"Over today's limit · {left} left", (
            f"It costs {quote.explain()}, and only {left} is left under your daily "
            "spending limit (Settings): it would be refused, and nothing would be sent."
        )
    near = left_today is not None and quote.usd is not None and left_today - quote.usd < quote.usd
    left = f" · {format_usd(left_today or 0.0)} left today" if near else ""
    return f"{name} · {quote.short()}{left}", (
        f"Send this request to the service (Ctrl+Enter). It costs {quote.explain()}."
    )


def price_source(quote: Quote) -> str:
    """Where the price on the button comes from, said beside it."""
    if quote.usd is None:
        return "No price is known for this request yet (no price list, no history like it)."
    return f"Price: {SOURCE_WORDS[quote.source]}."
