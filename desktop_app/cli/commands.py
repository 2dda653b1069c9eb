"""What each `wan-studio` command does, in terms of the job service and the history
queries. Returns exit codes, decided by the kind of error."""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from desktop_app.cli.material import cut_parts, expand_characters
from desktop_app.cli.output import (
    UNKNOWN_ADVICE,
    OutputFailedError,
    ProgressPrinter,
    UploadPrinter,
    cost,
    details,
    print_json,
    summary_line,
)
from desktop_app.course.lifecycle import Pace
from desktop_app.domain.errors import ErrorCategory, WanStudioError
from desktop_app.domain.job import Job, JobState
from desktop_app.domain.job_query import JobFilter
from desktop_app.domain.models import model_named
from desktop_app.domain.references import direct_link, local_path
from desktop_app.domain.request import (
    SEED_MAX,
    AspectRatio,
    GenerationRequest,
    InvalidRequestError,
    Resolution,
    ShotType,
    variations,
)
from desktop_app.domain.trim import split_span
from desktop_app.jobs.errors import FollowInterruptedError, JobBusyError
from desktop_app.jobs.service import JobService
from desktop_app.runtime import Runtime

EXIT_OK = 0
EXIT_FOR_CATEGORY = {
    ErrorCategory.INVALID_INPUT: 2,
    ErrorCategory.REFUSED: 3,
    ErrorCategory.GENERATION_FAILED: 4,
    ErrorCategory.NETWORK: 5,
    ErrorCategory.STORAGE: 6,
}
EXIT_INVALID = EXIT_FOR_CATEGORY[ErrorCategory.INVALID_INPUT]
EXIT_SENT_NOT_REPORTED = 7
"""The job was sent (and may cost money), but its outcome could not be printed: a script
must not send it again."""


class SentNotReportedError(OutputFailedError):
    """The output failed after the job was sent: said on stderr with the jobs' ids."""

    def __init__(self, failure: OutputFailedError, jobs: Sequence[Job]) -> None:
        ids = ", ".join(job.id for job in jobs)
        super().__init__(
            f"{failure.explain()} The request WAS sent (job {ids}): do not send it again; "
            f"`wan-studio show {jobs[0].id}` says how it goes."
        )


def error_code(error: WanStudioError) -> int:
    if isinstance(error, SentNotReportedError):
        return EXIT_SENT_NOT_REPORTED
    return EXIT_FOR_CATEGORY[error.category]


def exit_code(job: Job) -> int:
    """How a job's outcome ends the command: from the category of its error."""
    if job.state.is_followable and not job.followed and job.error is not None:
        return EXIT_FOR_CATEGORY[job.error.category or ErrorCategory.NETWORK]  # stopped
    if job.state in (JobState.FAILED, JobState.LOST):
        return EXIT_FOR_CATEGORY[ErrorCategory.GENERATION_FAILED]
    if job.state is JobState.UNKNOWN:
        return EXIT_FOR_CATEGORY[ErrorCategory.NETWORK]
    if job.state is JobState.REJECTED:
        category = job.error.category if job.error else None
        return EXIT_FOR_CATEGORY[category or ErrorCategory.REFUSED]
    return EXIT_OK


def report(job: Job, *, as_json: bool) -> None:
    """The outcome of one job: JSON on stdout, or words on stdout (success) / stderr."""
    if as_json:
        print_json(job.to_json())
        return
    if job.state is JobState.DONE:
        print(f"Saved {job.file_path} ({job.file_size:,} bytes). Cost: {cost(job)}.")
    elif job.state.is_followable and not job.followed and job.error is not None:
        print(f"Job {job.id} is {job.state.value}, no longer followed.", file=sys.stderr)
        print(job.error.message, file=sys.stderr)
    elif job.state.is_followable:
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


def reference_urls(refs: list[str]) -> tuple[str, ...]:
    """The references as the request holds them: a clip on this computer (a path or a
    file:// URL) as its file:// URL, a known share page as its direct-download link (said
    on standard error), any other link as it is."""
    urls = []
    for ref in refs:
        path = local_path(ref) or (Path(ref) if "://" not in ref else None)
        if path is not None:
            urls.append(path.resolve().as_uri())
            continue
        direct = direct_link(ref)
        if direct.note:
            print(f"{ref[:120]}: {direct.note}", file=sys.stderr)
        urls.append(direct.url)
    return tuple(urls)


def request_from(args: argparse.Namespace) -> GenerationRequest:
    model = model_named(args.model)
    return GenerationRequest(
        prompt=args.prompt,
        model=model.id if model else args.model,
        video_urls=reference_urls(args.refs),
        image_urls=reference_urls(args.images),
        first_frame_image=reference_urls([args.first_frame])[0] if args.first_frame else None,
        watermark=True if args.watermark else None,
        aspect_ratio=AspectRatio(args.aspect_ratio) if args.aspect_ratio else None,
        resolution=Resolution(args.resolution) if args.resolution else None,
        duration=args.duration,
        negative_prompt=args.negative_prompt,
        shot_type=ShotType(args.shot_type) if args.shot_type else None,
        seed=args.seed,
        enhance_prompt=False if args.no_enhance_prompt else None,
    )


def valid_request(args: argparse.Namespace) -> GenerationRequest | None:
    """The request the options describe; None (each broken rule said) when it is invalid."""
    request = request_from(args)
    try:
        request.validate()
    except InvalidRequestError as error:
        print("Nothing was sent; the request is not valid:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return None
    return request


async def generate(args: argparse.Namespace, runtime: Runtime) -> int:
    if not expand_characters(args, runtime):
        return EXIT_INVALID
    spec = model_named(args.model)
    if spec is not None and any(split_span(ref)[1] is not None for ref in args.refs):
        refs = await cut_parts(args.refs, spec, runtime.paths.cache / "cuts")
        if refs is None:
            return EXIT_INVALID
        args.refs = refs
    request = valid_request(args)
    if request is None:
        return EXIT_INVALID
    requests = variations(request, args.variations, lambda: secrets.randbelow(SEED_MAX + 1))
    progress = UploadPrinter() if sys.stderr.isatty() else None
    return await send(
        runtime,
        args,
        requests,
        lambda service: service.submit_batch(requests, progress or (lambda *_: None)),
    )


async def again(args: argparse.Namespace, runtime: Runtime) -> int:
    """`again JOB`: the job's request as a new job, with the checks of `generate`."""
    old = runtime.history.find(args.job)
    if old.state is JobState.UNKNOWN:
        print(
            f"[{old.id}] stays in the history: `wan-studio reconcile` (or the window) still "
            "looks for it in the service's request log, and saves its clip if it did arrive.",
            file=sys.stderr,
        )

    async def send_again(service: JobService) -> list[Job]:
        return [await service.send_again(old.id, new_seed=args.new_seed)]

    return await send(runtime, args, [old.request], send_again)


async def send(
    runtime: Runtime,
    args: argparse.Namespace,
    requests: Sequence[GenerationRequest],
    submit: Callable[[JobService], Awaitable[Sequence[Job]]],
) -> int:
    """Price, submit (once), and with --wait follow each job to its end: `generate` and
    `again`. With --json, each job as a JSON object."""
    runtime.keys()  # no key: say so before anything is sent anywhere
    await refresh_account_facts(runtime, requests)
    service = runtime.service
    service.subscribe(ProgressPrinter())
    print(f"Price: {service.quote(requests).explain()}.", file=sys.stderr)
    jobs = await submit(service)
    try:
        if not args.wait:
            return max([await _reported(job, as_json=args.json) for job in jobs])
        courses = (course(runtime, job, as_json=args.json) for job in jobs)
        return max(await asyncio.gather(*courses))
    except OutputFailedError as error:
        sent = [job for job in jobs if job.state is not JobState.REJECTED]
        if not sent:
            raise
        raise SentNotReportedError(error, sent) from None


async def _reported(job: Job, *, as_json: bool) -> int:
    report(job, as_json=as_json)
    return exit_code(job)


async def refresh_account_facts(runtime: Runtime, requests: Sequence[GenerationRequest]) -> None:
    """The price lists of the requests' models (hourly) and the deprecation feed (daily),
    both cached; say when one of those models is going away. Failures are quiet: the price
    is then an estimate or unknown."""
    models = {request.model for request in requests}
    await asyncio.gather(runtime.catalogue.refresh(models=models), runtime.health.refresh())
    for model in sorted(models):
        if warning := runtime.health.warning(model):
            print(f"Warning: {warning}", file=sys.stderr)


async def course(
    runtime: Runtime, job: Job, *, as_json: bool, pace: Pace = Pace.TO_THE_CLIP
) -> int:
    """A job's course (the engine's one policy: settle an unknown submission from the
    request log, follow to the clip), told on the terminal; its exit code."""
    if job.state is JobState.UNKNOWN:
        print(
            f"[{job.id}] The answer to the request was lost; looking for it in the service's "
            "request log (it is never sent twice)…",
            file=sys.stderr,
        )
    try:
        ended = await runtime.lifecycle.see_through(job.id, pace)
    except FollowInterruptedError as error:
        print(f"Stopped following job {error.job.id}: {error}", file=sys.stderr)
        print("It stays in the journal; `wan-studio resume` continues it.", file=sys.stderr)
        return error_code(error)
    if ended.state.is_followable and ended.followed and runtime.service.followed_elsewhere():
        print(
            f"Job {ended.id} is followed by another Wan Studio process. Its progress shows in "
            "`wan-studio jobs`.",
            file=sys.stderr,
        )
        return EXIT_OK
    report(ended, as_json=as_json)
    return exit_code(ended)


async def finish(following: Awaitable[Job], *, as_json: bool) -> int:
    """Await a follow (or re-download) and report how it ended."""
    try:
        job = await following
    except FollowInterruptedError as error:
        print(f"Stopped following job {error.job.id}: {error}", file=sys.stderr)
        print("It stays in the journal; `wan-studio resume` continues it.", file=sys.stderr)
        return error_code(error)
    except JobBusyError as error:
        print(f"{error} Its progress shows in `wan-studio jobs`.", file=sys.stderr)
        return EXIT_OK
    report(job, as_json=as_json)
    return exit_code(job)


def list_jobs(args: argparse.Namespace, runtime: Runtime) -> int:
    model = model_named(args.model) if args.model else None
    if args.model and model is None:
        print(f"No model {args.model[:80]!r}: use 2.6 or 2.7 (or the full id).", file=sys.stderr)
        return EXIT_INVALID
    jobs = runtime.history.all(JobFilter(model=model.id if model else None))
    if args.json:
        print_json([job.to_json() for job in jobs])
    elif not jobs:
        print("No jobs yet. `wan-studio generate --help` shows how to start one.")
    else:
        for job in jobs:
            print(summary_line(job))
    return EXIT_OK


def show(args: argparse.Namespace, runtime: Runtime) -> int:
    job = runtime.history.find(args.job)
    events = runtime.history.events(job.id)
    if args.json:
        print_json({**job.to_json(), "events": events})
    else:
        print(details(job, events))
    return EXIT_OK


async def resume(args: argparse.Namespace, runtime: Runtime) -> int:
    service = runtime.service
    service.subscribe(ProgressPrinter())
    for job in service.recover_interrupted():
        report(job, as_json=False)
    if args.job:
        job = runtime.history.find(args.job)
        if job.state.is_followable:
            job = service.follow_again(job.id)
        elif job.state is not JobState.UNKNOWN:
            report(job, as_json=args.json)
            return exit_code(job)
        targets = [job]
    else:
        targets = runtime.lifecycle.to_resume()
    if not targets:
        elsewhere = service.followed_elsewhere()
        if elsewhere:
            print(
                f"Nothing to resume here: {len(elsewhere)} unfinished job(s) are followed by "
                "another Wan Studio process (the window?). Their progress shows in "
                "`wan-studio jobs`.",
                file=sys.stderr,
            )
        else:
            print("Nothing to resume: no unfinished job is waiting.", file=sys.stderr)
        return EXIT_OK
    codes = await asyncio.gather(*(course(runtime, job, as_json=args.json) for job in targets))
    return max(codes)


async def download(args: argparse.Namespace, runtime: Runtime) -> int:
    job = runtime.history.find(args.job)
    service = runtime.service
    service.subscribe(ProgressPrinter())
    return await finish(service.download_again(job.id), as_json=False)


def unfollow(args: argparse.Namespace, runtime: Runtime) -> int:
    job = runtime.service.stop_following(runtime.history.find(args.job).id)
    print(
        f"Job {job.id} is no longer followed. The API has no cancel: the service still "
        "renders it and charges for it. `wan-studio resume JOB` follows it again."
    )
    return EXIT_OK


def forget(args: argparse.Namespace, runtime: Runtime) -> int:
    job = runtime.history.find(args.job)
    if job.state.is_rendering:
        print(
            "Note: the service still renders this job and charges for it; forgetting only "
            "removes it from Wan Studio.",
            file=sys.stderr,
        )
    runtime.service.forget(job.id, delete_file=args.delete_file)
    kept = job.file_path if job.state is JobState.DONE and not args.delete_file else None
    kept_note = f" Its clip stays at {kept}." if kept else ""
    print(f"Forgot job {job.id}.{kept_note}")
    return EXIT_OK
