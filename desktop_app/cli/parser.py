"""The command line's grammar: global options and one subparser per command."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from desktop_app.domain.job import LOG_HORIZON_S
from desktop_app.domain.models import DEFAULT_MODEL, MODELS
from desktop_app.domain.request import AspectRatio, Resolution, ShotType
from desktop_app.meta import APP_NAME, COMMAND, VERSION

POLL_INTERVAL_RANGE = (0.1, 3600.0)
RECONCILE_GRACE_RANGE = (0.5, 7 * 86_400.0)


def seconds_within(low: float, high: float) -> Callable[[str], float]:
    """An option's type: a number of seconds from `low` to `high` (inf, nan and the like
    are refused with that range)."""

    def seconds(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not low <= value <= high:  # false for nan too
            raise argparse.ArgumentTypeError(
                f"must be a number of seconds from {low:g} to {high:g}"
            )
        return value

    return seconds


def add_request_options(parser: argparse.ArgumentParser) -> None:
    """The options that make a generation request (generate, estimate)."""
    parser.add_argument(
        "--prompt", required=True, help="the scene; name references character1..character3"
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL.id,
        metavar="MODEL",
        help="the model: "
        + ", ".join(f"{m.aliases[0]} ({m.short_name}, {m.id})" for m in MODELS)
        + f" (default {DEFAULT_MODEL.aliases[0]})",
    )
    parser.add_argument(
        "--ref",
        action="append",
        default=[],
        metavar="URL|PATH[@START-END]",
        dest="refs",
        help="a reference clip, in character order: a public URL, or a clip on this "
        "computer (uploaded to your storage first: `wan-studio storage set`); "
        "PATH@START-END (seconds, e.g. clip.mp4@12.5-18) sends only that part, cut "
        "frame-exactly into the app's cache; "
        + "; ".join(f"{m.short_name}: up to {m.max_videos}" for m in MODELS),
    )
    parser.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="URL|PATH",
        dest="images",
        help="a still image as a character (a public link, or an image on this computer, "
        "uploaded to your storage first; models that take stills: "
        + ", ".join(m.short_name for m in MODELS if m.takes_images)
        + f"; clips and stills together up to {max(m.max_references for m in MODELS)})",
    )
    parser.add_argument(
        "--character",
        action="append",
        default=[],
        dest="characters",
        metavar="NAME",
        help="a character you keep (`wan-studio characters`): its clips and stills join "
        "the references, after --ref and --image, in the order given (repeatable)",
    )
    parser.add_argument(
        "--first-frame",
        metavar="URL|PATH",
        help="the clip's first frame, an image (a link or a file, as --image; "
        + ", ".join(m.short_name for m in MODELS if m.first_frame)
        + "; the aspect ratio is then the image's)",
    )
    parser.add_argument(
        "--watermark",
        action="store_true",
        help="a watermark on the clip ("
        + ", ".join(m.short_name for m in MODELS if m.watermark)
        + ")",
    )
    parser.add_argument("--aspect-ratio", choices=[a.value for a in AspectRatio])
    parser.add_argument("--resolution", choices=[r.value for r in Resolution])
    parser.add_argument("--duration", type=int, choices=(5, 10, 15))
    parser.add_argument("--negative-prompt", metavar="TEXT")
    parser.add_argument("--shot-type", choices=[s.value for s in ShotType])
    parser.add_argument("--seed", type=int)
    parser.add_argument(
        "--no-enhance-prompt", action="store_true", help="turn prompt expansion off"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description=f"{APP_NAME}: Wan reference-to-video clips through AI/ML API. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {VERSION}")
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="keep all data (journal, clips, logs, settings) in DIR (also WAN_STUDIO_HOME)",
    )
    parser.add_argument("--base-url", metavar="URL", help="API base URL (also AIMLAPI_BASE_URL)")
    parser.add_argument(
        "--poll-interval",
        metavar="SECONDS",
        type=seconds_within(*POLL_INTERVAL_RANGE),
        help="seconds between status checks, 0.1 to 3600 (default: the setting, 15)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="talk to a built-in simulator: no key, no cost"
    )
    parser.add_argument("--verbose", action="store_true", help="debug output on the console")
    parser.add_argument(
        "--reconcile-grace",
        metavar="SECONDS",
        type=seconds_within(*RECONCILE_GRACE_RANGE),
        default=LOG_HORIZON_S,
        help="how long after a submission whose answer was lost it may still appear in the "
        f"service's request log (default {LOG_HORIZON_S:.0f})",
    )
    parser.add_argument(
        "--screenshot", metavar="FILE", help="window: open, settle, save a PNG of it, exit"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="window: open, load the player, exit 0 if it works"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gen = commands.add_parser(
        "generate", help="submit a generation (and with --wait, save its clip)"
    )
    add_request_options(gen)
    gen.add_argument(
        "--wait", action="store_true", help="follow the job to its end and save the clip"
    )
    gen.add_argument(
        "--variations", type=int, default=1, choices=range(1, 5), metavar="N",
        help="make N takes (1 to 4), each with its own seed, as one batch",
    )  # fmt: skip
    gen.add_argument("--json", action="store_true", help="print the job as JSON")

    again = commands.add_parser(
        "again",
        help="send a job's request again as a new job (the old one stays; an unknown one "
        "is still settled, and saved if it did arrive)",
    )
    again.add_argument("job", metavar="JOB", help="job id, generation id, or a prefix")
    again.add_argument("--new-seed", action="store_true", help="with a new random seed")
    again.add_argument(
        "--wait", action="store_true", help="follow the new job to its end and save the clip"
    )
    again.add_argument("--json", action="store_true", help="print the new job as JSON")

    estimate = commands.add_parser(
        "estimate", help="what a generation would cost, and where the price comes from"
    )
    add_request_options(estimate)
    estimate.add_argument(
        "--count", type=int, default=1, choices=range(1, 5), metavar="N",
        help="how many variations (1 to 4)",
    )  # fmt: skip
    estimate.add_argument("--json", action="store_true")

    balance = commands.add_parser("balance", help="the AI/ML API account's balance")
    balance.add_argument("--json", action="store_true")

    reconcile = commands.add_parser(
        "reconcile",
        help="settle unknown submissions from the service's request log, and look up "
        "charges of finished jobs in its ledger",
    )
    reconcile.add_argument("job", metavar="JOB", nargs="?", help="only this job")
    reconcile.add_argument("--json", action="store_true")

    jobs = commands.add_parser("jobs", help="list every job, newest first")
    jobs.add_argument("--model", metavar="MODEL", help="only the jobs of this model (2.6, 2.7)")
    jobs.add_argument("--json", action="store_true")

    show = commands.add_parser("show", help="one job in detail, with its history")
    show.add_argument("job", metavar="JOB", help="job id, generation id, or a prefix")
    show.add_argument("--json", action="store_true")

    resume = commands.add_parser("resume", help="follow every unfinished job to its end")
    resume.add_argument(
        "job",
        metavar="JOB",
        nargs="?",
        help="only this job (and follow it again if it was stopped)",
    )
    resume.add_argument("--json", action="store_true")

    download = commands.add_parser("download", help="save (or save again) a job's clip")
    download.add_argument("job", metavar="JOB")

    unfollow = commands.add_parser(
        "unfollow",
        help="stop following a job (the API has no cancel: the service still renders and bills it)",
    )
    unfollow.add_argument("job", metavar="JOB")

    forget = commands.add_parser("forget", help="remove a job from the journal")
    forget.add_argument("job", metavar="JOB")
    forget.add_argument("--delete-file", action="store_true", help="also delete its saved clip")

    aside = commands.add_parser(
        "set-aside-journal",
        help="move a damaged job journal aside (kept, never deleted) and start a new one",
    )
    aside.add_argument(
        "--force", action="store_true", help="set it aside even when it is not damaged"
    )

    key = commands.add_parser("key", help="the API key in the system keyring")
    key_commands = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    key_commands.add_parser("set", help="store a key (read from standard input or a hidden prompt)")
    status = key_commands.add_parser("status", help="where the key comes from")
    status.add_argument(
        "--check", action="store_true", help="also ask the service (the balance, free) if it works"
    )
    key_commands.add_parser("clear", help="remove the stored key")

    kept = commands.add_parser("characters", help="the characters you keep, to use again")
    kept_commands = kept.add_subparsers(dest="characters_command", metavar="ACTION")
    kept.add_argument("--json", action="store_true")
    listed = kept_commands.add_parser("list", help="every character (the default)")
    listed.add_argument("--json", action="store_true")
    keep = kept_commands.add_parser("add", help="keep a character (or replace one of that name)")
    keep.add_argument("name", metavar="NAME")
    keep.add_argument("--ref", action="append", default=[], dest="refs", metavar="URL|PATH",
                      help="a clip of it (repeatable)")  # fmt: skip
    keep.add_argument("--image", action="append", default=[], dest="images",
                      metavar="URL|PATH", help="a still of it (repeatable; Wan 2.7)")  # fmt: skip
    keep.add_argument("--note", metavar="TEXT", help="how to describe it in a prompt")
    forget = kept_commands.add_parser("rm", help="forget a character (jobs are unchanged)")
    forget.add_argument("name", metavar="NAME")
    merge = kept_commands.add_parser("merge", help="add OTHER's takes to INTO, forget OTHER")
    merge.add_argument("into", metavar="INTO")
    merge.add_argument("other", metavar="OTHER")
    merge.add_argument("--json", action="store_true")

    storage = commands.add_parser(
        "storage", help="your S3-compatible storage, for reference clips from this computer"
    )
    storage_commands = storage.add_subparsers(
        dest="storage_command", metavar="ACTION", required=True
    )
    store = storage_commands.add_parser(
        "set", help="set the storage; the keys are asked for (or read from standard input)"
    )
    store.add_argument("--endpoint", required=True, metavar="URL", help="https:// endpoint")
    store.add_argument("--bucket", required=True, metavar="NAME")
    store.add_argument("--region", default="us-east-1", metavar="R")
    store.add_argument("--prefix", default="wan-studio/", metavar="P")
    store.add_argument(
        "--link-hours", type=int, default=24, choices=range(1, 169), metavar="N",
        help="how long a link to an uploaded clip works (1 to 168 hours; default 24)",
    )  # fmt: skip
    storage_status = storage_commands.add_parser("status", help="the storage set up")
    storage_status.add_argument(
        "--check", action="store_true", help="also make one harmless signed request"
    )
    storage_status.add_argument("--json", action="store_true")
    storage_commands.add_parser("clear", help="forget the storage and its keys")

    sim = commands.add_parser("simulator", help="run the local API simulator")
    sim.add_argument("--port", type=int, default=8765)
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument(
        "--key", default="wan-studio-demo", help="the API key it accepts (default: wan-studio-demo)"
    )
    sim.add_argument("--any-key", action="store_true", help="accept any non-empty key")
    sim.add_argument("--queued-seconds", type=float, default=4.0)
    sim.add_argument("--generating-seconds", type=float, default=16.0)
    sim.add_argument(
        "--link-ttl", type=float, default=24 * 3600, help="seconds a result link lives"
    )
    sim.add_argument(
        "--clip", metavar="FILE", help="the clip every generation returns (default: the demo clip)"
    )
    return parser
