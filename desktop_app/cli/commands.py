"""What each `wan-studio` command does, in terms of the engine. Returns exit codes."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable
from pathlib import Path

from desktop_app.api.request import (
    AspectRatio,
    GenerationRequest,
    InvalidRequestError,
    Resolution,
    ShotType,
)
from desktop_app.api.secret import ApiKey
from desktop_app.cli.output import (
    UNKNOWN_ADVICE,
    ProgressPrinter,
    cost,
    details,
    print_json,
    summary_line,
)
from desktop_app.jobs.engine import FollowInterruptedError, JobBusyError, JobEngine
from desktop_app.jobs.library import forget_job
from desktop_app.logs import SecretRedactor
from desktop_app.runtime import Runtime
from desktop_app.secrets.keystore import KeyringUnavailableError, KeyStore
from desktop_app.simulator import Simulator, SimulatorConfig
from desktop_app.store.job import Job, JobState

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_REFUSED = 3
EXIT_FAILED = 4
EXIT_NETWORK = 5

_REFUSALS_BY_KEY = frozenset({"KeyRefusedError", "NoCreditsError"})


def exit_code(job: Job) -> int:
    if job.state is JobState.REJECTED:
        return EXIT_NETWORK if job.error and job.error.kind == "NetworkError" else EXIT_REFUSED
    if job.state is JobState.UNKNOWN:
        return EXIT_NETWORK
    if job.state in (JobState.FAILED, JobState.LOST):
        return EXIT_FAILED
    return EXIT_OK


def interrupted_code(error: FollowInterruptedError) -> int:
    return EXIT_REFUSED if type(error.cause).__name__ in _REFUSALS_BY_KEY else EXIT_NETWORK


def report(job: Job, *, as_json: bool) -> None:
    """The outcome of one job: JSON on stdout, or words on stdout (success) / stderr."""
    if as_json:
        print_json(job.to_json())
        return
    if job.state is JobState.DONE:
        print(f"Saved {job.file_path} ({job.file_size:,} bytes). Cost: {cost(job)}.")
    elif job.state in (JobState.QUEUED, JobState.GENERATING, JobState.DOWNLOADING):
        print(
            f"Job {job.id} is {job.state.value} (generation {job.generation_id}). "
            f"`wan-studio resume` follows it to the end and saves the clip."
        )
    else:
        print(f"Job {job.id} is {job.state.value}.", file=sys.stderr)
        if job.error:
            print(job.error.message, file=sys.stderr)
        if job.state is JobState.UNKNOWN:
            print(UNKNOWN_ADVICE.replace("JOB", job.id), file=sys.stderr)


def request_from(args: argparse.Namespace) -> GenerationRequest:
    return GenerationRequest(
        prompt=args.prompt,
        video_urls=tuple(args.refs),
        aspect_ratio=AspectRatio(args.aspect_ratio) if args.aspect_ratio else None,
        resolution=Resolution(args.resolution) if args.resolution else None,
        duration=args.duration,
        negative_prompt=args.negative_prompt,
        shot_type=ShotType(args.shot_type) if args.shot_type else None,
        seed=args.seed,
        enhance_prompt=False if args.no_enhance_prompt else None,
    )


async def run(args: argparse.Namespace, runtime: Runtime) -> int:
    try:
        if args.command == "generate":
            return await generate(args, runtime)
        if args.command == "jobs":
            return list_jobs(args, runtime)
        if args.command == "show":
            return show(args, runtime)
        if args.command == "resume":
            return await resume(args, runtime)
        if args.command == "download":
            return await download(args, runtime)
        if args.command == "unfollow":
            return unfollow(args, runtime)
        if args.command == "forget":
            return forget(args, runtime)
        raise AssertionError(f"unhandled command {args.command}")
    finally:
        await runtime.aclose()


async def generate(args: argparse.Namespace, runtime: Runtime) -> int:
    request = request_from(args)
    try:
        request.validate()
    except InvalidRequestError as error:
        print("Nothing was sent; the request is not valid:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID
    engine = runtime.engine(ProgressPrinter())
    job = await engine.submit(request)
    if job.state.is_followable and args.wait:
        return await follow_one(engine, job, as_json=args.json)
    report(job, as_json=args.json)
    return exit_code(job)


async def follow_one(engine: JobEngine, job: Job, *, as_json: bool) -> int:
    return await finish(engine.follow(job.id), as_json=as_json)


async def finish(following: Awaitable[Job], *, as_json: bool) -> int:
    """Await a follow (or re-download) and report how it ended."""
    try:
        job = await following
    except FollowInterruptedError as error:
        print(f"Stopped following job {error.job.id}: {error}", file=sys.stderr)
        print("It stays in the journal; `wan-studio resume` continues it.", file=sys.stderr)
        return interrupted_code(error)
    except JobBusyError as error:
        print(error, file=sys.stderr)
        return EXIT_NETWORK
    report(job, as_json=as_json)
    return exit_code(job)


def list_jobs(args: argparse.Namespace, runtime: Runtime) -> int:
    jobs = runtime.journal.jobs()
    if args.json:
        print_json([job.to_json() for job in jobs])
    elif not jobs:
        print("No jobs yet. `wan-studio generate --help` shows how to start one.")
    else:
        for job in jobs:
            print(summary_line(job))
    return EXIT_OK


def show(args: argparse.Namespace, runtime: Runtime) -> int:
    job = runtime.journal.find(args.job)
    events = runtime.journal.events(job.id)
    if args.json:
        print_json({**job.to_json(), "events": events})
    else:
        print(details(job, events))
    return EXIT_OK


async def resume(args: argparse.Namespace, runtime: Runtime) -> int:
    engine = runtime.engine(ProgressPrinter())
    for job in engine.recover_interrupted():
        report(job, as_json=False)
    if args.job:
        job = runtime.journal.find(args.job)
        if not job.followed:
            job = engine.follow_again(job.id)
        targets = [job] if job.state.is_followable else []
        if not targets:
            report(job, as_json=args.json)
            return exit_code(job)
    else:
        targets = engine.followable()
    if not targets:
        print("Nothing to resume: no unfinished job is waiting.", file=sys.stderr)
        return EXIT_OK
    codes = await asyncio.gather(*(follow_one(engine, job, as_json=args.json) for job in targets))
    return max(codes)


async def download(args: argparse.Namespace, runtime: Runtime) -> int:
    job = runtime.journal.find(args.job)
    if job.generation_id is None:
        print(f"Job {job.id} never reached the service; there is no clip.", file=sys.stderr)
        return EXIT_INVALID
    engine = runtime.engine(ProgressPrinter())
    return await finish(engine.redownload(job.id), as_json=False)


def unfollow(args: argparse.Namespace, runtime: Runtime) -> int:
    job = runtime.journal.find(args.job)
    runtime.journal.update(job.id, followed=False)
    print(
        f"Job {job.id} is no longer followed. The API has no cancel: the service still "
        "renders it and charges for it. `wan-studio resume JOB` follows it again."
    )
    return EXIT_OK


def forget(args: argparse.Namespace, runtime: Runtime) -> int:
    job = runtime.journal.find(args.job)
    if job.state in (JobState.QUEUED, JobState.GENERATING):
        print(
            "Note: the service still renders this job and charges for it; forgetting only "
            "removes it from Wan Studio.",
            file=sys.stderr,
        )
    forget_job(runtime.journal, job.id, delete_file=args.delete_file)
    kept = job.file_path if job.state is JobState.DONE and not args.delete_file else None
    kept_note = f" Its clip stays at {kept}." if kept else ""
    print(f"Forgot job {job.id}.{kept_note}")
    return EXIT_OK


def run_key(args: argparse.Namespace, store: KeyStore, redactor: SecretRedactor) -> int:
    try:
        if args.key_command == "set":
            text = (
                getpass.getpass("AI/ML API key: ") if sys.stdin.isatty() else sys.stdin.readline()
            )
            try:
                key = ApiKey(text)
            except ValueError:
                print("No key was given; nothing was stored.", file=sys.stderr)
                return EXIT_INVALID
            redactor.add(key.reveal())
            store.set(key)
            print("The API key is stored in the system keyring.")
        elif args.key_command == "clear":
            print("The stored API key was removed." if store.clear() else "No key was stored.")
        else:
            print(store.status().describe())
    except KeyringUnavailableError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def run_simulator(args: argparse.Namespace) -> int:
    config = SimulatorConfig(
        api_key=None if args.any_key else args.key,
        queued_seconds=args.queued_seconds,
        generating_seconds=args.generating_seconds,
        link_ttl_seconds=args.link_ttl,
        clip=Path(args.clip) if args.clip else None,
    )
    simulator = Simulator(config, host=args.host, port=args.port)
    print(f"Wan Studio API simulator on {simulator.base_url} (Ctrl+C stops it)", flush=True)
    try:
        simulator.serve_forever()
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_OK
