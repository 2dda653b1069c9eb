"""The money commands: estimate, balance, the key check, and reconcile (lost submissions
from the request log, charges from the ledger)."""

from __future__ import annotations

import argparse
import sys
import time

from desktop_app.cli.commands import (
    EXIT_INVALID,
    EXIT_OK,
    error_code,
    exit_code,
    refresh_account_facts,
    valid_request,
)
from desktop_app.cli.material import expand_characters
from desktop_app.cli.output import ProgressPrinter, cost, print_json, summary_line
from desktop_app.course.lifecycle import Pace
from desktop_app.course.recovery import NOT_IN_LOG_YET
from desktop_app.domain.job import JobState
from desktop_app.domain.money import format_usd, usd_to_credits
from desktop_app.jobs.errors import FollowInterruptedError
from desktop_app.runtime import Runtime


async def estimate(args: argparse.Namespace, runtime: Runtime) -> int:
    if not expand_characters(args, runtime):
        return EXIT_INVALID
    request = valid_request(args)
    if request is None:
        return EXIT_INVALID
    await refresh_account_facts(runtime, [request])
    quote = runtime.service.quote([request] * args.count)
    if args.json:
        print_json(
            {
                "usd": None if quote.usd is None else round(quote.usd, 6),
                "credits": None if quote.usd is None else usd_to_credits(quote.usd),
                "source": quote.source.value,
                "count": quote.count,
            }
        )
    else:
        print(quote.explain()[:1].upper() + quote.explain()[1:] + ".")
    return EXIT_OK


async def balance(args: argparse.Namespace, runtime: Runtime) -> int:
    usd = await runtime.client.balance()
    if args.json:
        print_json({"usd": usd})
    else:
        print(f"Balance: {format_usd(usd)} (your AI/ML API account).")
    return EXIT_OK


async def check_key(runtime: Runtime) -> int:
    """`key status --check`: where the key comes from, and whether the service takes it."""
    print(runtime.keys.status().describe())
    usd = await runtime.client.balance()
    print(f"The service at {runtime.base_url} accepts the key. Balance: {format_usd(usd)}.")
    return EXIT_OK


async def reconcile(args: argparse.Namespace, runtime: Runtime) -> int:
    """Settle unknown submissions from the request log (following those found), and look
    up the charges of recently finished jobs in the ledger, once each."""
    service = runtime.service
    service.subscribe(ProgressPrinter())
    lifecycle = runtime.lifecycle
    targets = [runtime.history.find(args.job)] if args.job else lifecycle.to_reconcile()
    if not targets:
        print("Nothing to reconcile: no unknown job, no charge to look up.", file=sys.stderr)
        return EXIT_OK
    codes, settled = [], []
    for job in targets:
        try:
            ended = await runtime.lifecycle.see_through(job.id, Pace.ONE_LOOK)
        except FollowInterruptedError as error:
            print(f"Stopped following job {error.job.id}: {error}", file=sys.stderr)
            codes.append(error_code(error))
            continue
        if ended.state is JobState.UNKNOWN:
            left = max(0, runtime.recovery.deadline(ended) - time.time())
            print(
                f"[{ended.id}] {NOT_IN_LOG_YET} It can still appear in the log for "
                f"{left:.0f} s. Run reconcile again later.",
                file=sys.stderr,
            )
        settled.append(ended)
        codes.append(exit_code(ended))
    if args.json:
        print_json([job.to_json() for job in settled])
    else:
        for job in settled:
            print(f"{summary_line(job)}  {cost(job)}")
    return max(codes)
