"""How a job is stored in a row of the `jobs` table, and read back from one."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

from desktop_app.domain.delivery import Delivered
from desktop_app.domain.errors import ErrorCategory, ErrorKind, StorageError
from desktop_app.domain.job import Job, JobError, JobState
from desktop_app.domain.pricing import PriceSource
from desktop_app.domain.references import LocalReference
from desktop_app.domain.request import GenerationRequest


def dumps(value: Any) -> str:
    """Compact, stable JSON for the journal's text columns."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)


def request_columns(request: GenerationRequest) -> dict[str, Any]:
    """The typed columns people filter and sort on, with the service's defaults filled in."""
    return {
        "prompt": request.prompt,
        "negative_prompt": request.negative_prompt,
        "aspect_ratio": str(request.aspect_ratio or "16:9"),
        "resolution": request.effective_resolution.value,
        "duration": request.effective_duration,
        "seed": request.seed,
        "shot_type": request.shot_type.value if request.shot_type else None,
        "enhance_prompt": int(request.enhance_prompt is not False),
        "reference_count": len(request.video_urls) + len(request.image_urls),
        "model": request.model,
    }


def job_from_row(row: sqlite3.Row) -> Job:
    """The job in `row`. A row holding a value this version does not know (a resolution
    of "4k", a state from the future) is read as far as it can be and says so; it never
    stops the other rows from listing."""
    try:
        return _job(
            row,
            GenerationRequest.from_json(json.loads(row["request_json"])),
            JobState(row["state"]),
        )
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return _unreadable(row, error)


def _unreadable(row: sqlite3.Row, error: Exception) -> Job:
    try:
        state = JobState(row["state"])
    except ValueError:
        state = JobState.FAILED  # shown as over: nothing is done with it by itself
    request = GenerationRequest(prompt=str(row["prompt"] or ""), video_urls=())
    problem = JobError(
        ErrorKind.UNREADABLE,
        "Part of this job's record could not be read by this version of Wan Studio "
        f"({str(error)[:120]}); it is shown as far as it can be.",
        category=ErrorCategory.STORAGE,
    )
    try:
        job = _job(row, request, state)
    except (ValueError, TypeError, KeyError) as again:
        raise StorageError(f"The journal row {row['id']!r} cannot be read: {again}") from None
    return replace(job, error=problem)


def _job(row: sqlite3.Row, request: GenerationRequest, state: JobState) -> Job:
    return Job(
        id=row["id"],
        client_request_id=row["client_request_id"],
        request=request,
        state=state,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        generation_id=row["generation_id"],
        status_detail=row["status_detail"],
        error=JobError.from_json(json.loads(row["error_json"])) if row["error_json"] else None,
        credits_used=row["credits_used"],
        charged_credits=row["charged_credits"],
        video_url=row["video_url"],
        file_path=Path(row["file_path"]) if row["file_path"] else None,
        file_size=row["file_size"],
        file_sha256=row["file_sha256"],
        bytes_done=row["bytes_done"],
        bytes_total=row["bytes_total"],
        submitted_at=row["submitted_at"],
        completed_at=row["completed_at"],
        finished_at=row["finished_at"],
        followed=bool(row["followed"]),
        follower=row["follower"],
        batch_id=row["batch_id"],
        estimate_usd=row["estimate_usd"],
        estimate_source=_source(row["estimate_source"]),
        recovered_at=row["recovered_at"],
        counted_usd=row["counted_usd"],
        superseded_by=row["superseded_by"],
        followed_since=row["followed_since"],
        local_refs=_local_refs(row["local_refs_json"]),
        delivered=_delivered(row),
        continues=row["continues"],
    )


def _delivered(row: sqlite3.Row) -> Delivered | None:
    facts = Delivered(row["delivered_seconds"], row["delivered_width"], row["delivered_height"])
    return facts if facts != Delivered() else None


def _local_refs(text: str | None) -> tuple[LocalReference, ...]:
    found = [LocalReference.from_json(item) for item in (json.loads(text) if text else [])]
    return tuple(ref for ref in found if ref is not None)


def _source(text: str | None) -> PriceSource | None:
    return PriceSource(text) if text in set(PriceSource) else None
