"""Where a job's clip goes: a name made from the job, never from the server."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

from desktop_app.domain.job import Job

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "clip"


def clip_name(job: Job) -> str:
    day = time.strftime("%Y-%m-%d", time.localtime(job.created_at))
    return f"{day}_{slug(job.request.prompt)}_{job.id[:8]}.mp4"


def clip_path(library: Path, job: Job) -> Path:
    return library / clip_name(job)


def sidecar_path(clip: Path) -> Path:
    return clip.with_suffix(".json")


def part_path(clip: Path) -> Path:
    return clip.with_name(clip.name + ".part")
