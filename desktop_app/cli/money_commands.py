"""The money commands: estimate, balance, the key check, and reconcile (lost submissions
from the request log, charges from the ledger)."""

from __future__ import annotations

import argparse
import sys
import time

from desktop_app.cli.commands import (
    EXIT_INVALID,
    EXIT_OK,
    exit_code,
    refresh_account_facts,
    valid_request,
)
from desktop_app.cli.output import ProgressPrinter, cost, print_json, summary_line
from desktop_app.domain.job import JobState
from desktop_app.domain.money import format_usd, usd_to_credits
from desktop_app.runtime import Runtime
from desktop_app.store.queries import JobFilter


async def estimate(args: argparse.Namespace, runtime: Runtime) -> int:
    request = valid_request(args)
    if request is None:
        return EXIT_INVALID
    await refresh_account_facts(runtime)
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
    print(f"The service accepts the key. Balance: {format_usd(usd)}.")
    return EXIT_OK


async def reconcile(args: argparse.Namespace, runtime: Runtime) -> int:
    """Settle unknown submissions from the request log (following those found), and look
    up the charges of recently finished jobs in the ledger, once each."""
    service = runtime.service
    service.subscribe(ProgressPrinter())
    if args.job:
        targets = [runtime.history.find(args.job)]
    else:
        unknown = runtime.history.all(JobFilter(states=frozenset({JobState.UNKNOWN})))
        targets = [*unknown, *runtime.charges.recent()]
    if not targets:
        print("Nothing to reconcile: no unknown job, no charge to look up.", file=sys.stderr)
        return EXIT_OK
    codes, settled = [], []
    for job in targets:
        if job.state is JobState.UNKNOWN:
            job = await runtime.recovery.settle(job.id, wait=False)
            if job.state is JobState.UNKNOWN:
                left = max(0, runtime.recovery.deadline(job) - time.time())
                print(
                    f"[{job.id}] Not in the service's request log yet; it can still appear "
                    f"for {left:.0f} s. Run reconcile again later.",
                    file=sys.stderr,
                )
            elif job.recovered_at is not None:
                print(f"[{job.id}] Recovered from the service's request log.", file=sys.stderr)
                job = await service.follow(job.id)
        elif runtime.charges.wanted(job):
            job = await runtime.charges.find(job.id, wait=False)
        settled.append(job)
        codes.append(exit_code(job))
    if args.json:
        print_json([job.to_json() for job in settled])
    else:
        for job in settled:
            print(f"{summary_line(job)}  {cost(job)}")
    return max(codes)
