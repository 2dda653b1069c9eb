"""The clip library on disk: each clip's sidecar JSON, and deleting a clip's files."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.domain.job import Job
from desktop_app.files import write_atomically
from desktop_app.jobs.naming import part_path, sidecar_path


def delete_clip_files(clip: Path) -> None:
    """Delete a clip with its sidecar and any partial download."""
    for path in (clip, sidecar_path(clip), part_path(clip)):
        path.unlink(missing_ok=True)


def write_sidecar(job: Job) -> Path:
    """The JSON beside a clip: enough to see where it came from and to re-run it."""
    assert job.file_path is not None
    path = sidecar_path(job.file_path)
    data = {
        "app": "Wan Studio",
        "job_id": job.id,
        "generation_id": job.generation_id,
        "client_request_id": job.client_request_id,
        "model": job.request.model,
        "model_name": spec.short_name if (spec := job.request.spec) else job.request.model,
        "continues": job.continues,
        "request": job.request.to_json(),
        "request_as_made": job.request_as_made().to_json() if job.local_refs else None,
        "cuts": [
            {"field": ref.field, "slot": ref.slot, "from": ref.cut_from, "part": ref.cut_span}
            for ref in job.local_refs
            if ref.cut_from is not None
        ],
        "seed": job.request.seed,
        "credits_used": job.credits_used,
        "created_at": job.created_at,
        "submitted_at": job.submitted_at,
        "completed_at": job.completed_at,
        "saved_at": job.finished_at,
        "reference_urls": list(job.request.video_urls),
        "result_url": job.video_url,
        "file": job.file_path.name,
        "size": job.file_size,
        "sha256": job.file_sha256,
        "delivered": job.delivered.to_json() if job.delivered else None,
        "delivery_note": job.delivery_note(),
    }
    write_atomically(path, json.dumps(data, indent=2).encode())
    return path
