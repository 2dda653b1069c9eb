"""How jobs read on a terminal: one-line summaries, details, progress lines, JSON."""

from __future__ import annotations

import functools
import io
import json
import os
import re
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from desktop_app.domain.errors import StorageError
from desktop_app.domain.job import CostSource, Job, JobState
from desktop_app.domain.money import format_usd
from desktop_app.jobs.events import JobChanged, JobEvent, JobTrouble


def when(timestamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp)) if timestamp else "-"


def cost(job: Job) -> str:
    """What the job cost, saying where the number comes from."""
    known = job.cost()
    if known is None:
        return "-"
    if known.source is CostSource.LEDGER:
        charged = "not charged" if known.usd == 0 else f"{format_usd(known.usd)}, charged"
        return f"{charged} ({known.source})"
    reported = job.reported_usd
    also = f"; the service reported {format_usd(reported)}" if reported is not None else ""
    if known.source is CostSource.REPORTED:
        also = ""
    return f"{format_usd(known.usd)}, {known.source}{also}"


def summary_line(job: Job) -> str:
    prompt = " ".join(job.request.prompt.split())
    prompt = prompt if len(prompt) <= 40 else prompt[:39] + "…"
    return f"{job.id}  {job.state.value:<11}  {when(job.created_at)}  {prompt}"


def details(job: Job, events: list[dict[str, Any]]) -> str:
    req = job.request
    lines = [
        f"Job {job.id}: {job.state.value}" + (" (not followed)" if not job.followed else ""),
        f"  prompt:            {req.prompt}",
        *(f"  character{i}:        {url}" for i, url in enumerate(req.video_urls, start=1)),
        f"  settings:          {req.effective_resolution.value}, {req.effective_duration} s, "
        f"{(req.aspect_ratio or '16:9')}",
        f"  generation id:     {job.generation_id or '-'}",
        f"  client request id: {job.client_request_id}",
        f"  status:            {job.status_detail or '-'}",
        f"  cost:              {cost(job)}",
        f"  created:           {when(job.created_at)}",
    ]
    if job.file_path and job.state is JobState.DONE:
        lines.append(f"  file:              {job.file_path} ({job.file_size:,} bytes)")
    if note := job.delivery_note():
        lines.append(f"  not what was asked: {note}")
    if job.error:
        lines.append(f"  problem:           {job.error.message}")
    if job.superseded_by:
        lines.append(f"  sent again as:     job {job.superseded_by} (this one is still settled)")
    if job.state is JobState.UNKNOWN:
        lines.append(UNKNOWN_ADVICE)
    lines.append("  history:")
    for event in events:
        detail = event["detail"] or {}
        note = detail.get("status") or detail.get("error", {}).get("message", "") if detail else ""
        lines.append(
            f"    {when(event['at'])}  {event['kind']:<14} {event['state'] or ''} {note}".rstrip()
        )
    return "\n".join(lines)


UNKNOWN_ADVICE = (
    "  It is not known whether the service received this request (and charges for it).\n"
    "  Wan Studio looks for it in the service's request log (`wan-studio reconcile JOB`).\n"
    "  To send it again knowingly: `wan-studio again JOB` (this one stays, and is saved\n"
    "  too if it did arrive)."
)


class OutputFailedError(StorageError):
    """Standard output could not take what was printed (a full disk, say)."""


class TerminalSafe(io.TextIOBase):
    """A text stream for a terminal that neutralises what outside text could smuggle in:
    escape sequences and other control characters (a line break and a tab stay) become
    "?", and invisible format characters (a right-to-left override, say) show escaped.

    When the stream cannot be written (not a closed pipe: a full disk), it raises
    OutputFailedError once and goes quiet: what would follow is thrown away, so nothing is
    half-written later, at exit."""

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__()
        self._stream = stream if stream is not None else open(os.devnull, "w")  # noqa: SIM115

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        shown = terminal_text(text)
        encoding = getattr(self._stream, "encoding", None)
        if encoding:  # a terminal that is not UTF-8 shows "?" for what it cannot show
            shown = shown.encode(encoding, errors="replace").decode(encoding)
        self._guarded(lambda: self._stream.write(shown))
        return len(text)

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    def _guarded(self, action: Callable[[], object]) -> None:
        try:
            action()
        except BrokenPipeError:
            raise
        except OSError as error:
            self._go_quiet()
            reason = error.strerror or str(error)
            raise OutputFailedError(
                f"The output could not be written ({reason}); nothing more is printed. "
                "The journal and the clips are not affected."
            ) from None

    def _go_quiet(self) -> None:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())
        except (OSError, ValueError):
            self._stream = open(os.devnull, "w")  # noqa: SIM115

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()


def terminal_text(text: str) -> str:
    """`text` safe to show on a terminal (see TerminalSafe)."""
    text = text.translate(_NEUTRALISE)
    return _invisible().sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_NEUTRALISE = {
    code: "?" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if code not in (9, 10)
}


@functools.cache
def _invisible() -> re.Pattern[str]:
    """Format characters that change how the text around them shows, or hide: bidirectional
    controls, zero-width characters, the byte-order mark, tags (compiled on first use)."""
    return re.compile(
        "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
        "\ufeff\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]"
    )


def print_json(data: Any) -> None:
    """`data` as JSON on standard output (as it is when called, never as it was)."""
    sys.stdout.write(json.dumps(data, indent=2) + "\n")


class ProgressPrinter:
    """Prints a line to stderr when a job changes state, download progress in steps, and a
    follow's trouble once (it retries by itself)."""

    def __init__(self, out: TextIO | None = None) -> None:
        self._given = out
        self._last: dict[str, tuple[JobState, int, str | None]] = {}

    @property
    def _out(self) -> TextIO:
        """The stream given, else standard error as it is now (the terminal-safe one)."""
        return self._given or sys.stderr

    def __call__(self, event: JobEvent) -> None:
        if isinstance(event, JobTrouble):
            print(
                f"[{event.job.id}] {event.error.message} Trying again in {event.retry_in:.0f} s.",
                file=self._out,
                flush=True,
            )
        elif isinstance(event, JobChanged):
            change = event.change
            if change is not None and change.recovered_at is not None:
                print(f"[{event.job.id}] Recovered from the service's request log.",
                      file=self._out, flush=True)  # fmt: skip
            if change is not None and change.event and change.event[0] == "reference_changed":
                print(f"[{event.job.id}] {change.event[1]['note']}", file=self._out, flush=True)
            self._changed(event.job)

    def _changed(self, job: Job) -> None:
        step = 0
        if job.state is JobState.DOWNLOADING and job.bytes_total:
            step = job.bytes_done * 10 // job.bytes_total
        key = (job.state, step, job.status_detail)
        if self._last.get(job.id) == key:
            return
        self._last[job.id] = key
        text = f"[{job.id}] {job.state.value}"
        if job.state is JobState.DOWNLOADING and job.bytes_total:
            text += f" {step * 10}% of {job.bytes_total:,} bytes"
        elif job.status_detail and job.state.is_rendering:
            text += f" ({job.status_detail})" if job.status_detail != job.state.value else ""
        print(text, file=self._out, flush=True)


UPLOADED_AS = {
    "video_urls": "clip {slot}",
    "image_urls": "still {slot}",
    "first_frame_image": "first frame",
}


class UploadPrinter:
    """Upload progress of clips from this computer, on standard error, in tenths."""

    def __init__(self) -> None:
        self._shown: dict[tuple[str, int], int] = {}

    def __call__(self, field: str, slot: int, sent: int, total: int) -> None:
        tenth = sent * 10 // total if total else 10
        if self._shown.get((field, slot)) != tenth:
            self._shown[(field, slot)] = tenth
            what = UPLOADED_AS.get(field, "file {slot}").format(slot=slot)
            print(f"[{what}] uploading to your storage: {tenth * 10}% of {total:,} bytes",
                  file=sys.stderr, flush=True)  # fmt: skip
