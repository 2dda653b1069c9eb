"""A long-time creator's history, made for the benchmarks: N finished jobs over months,
with varied prompts, their clips in the library and their thumbnails already made (links
to one small clip and one picture)."""

from __future__ import annotations

import random
import shutil
import struct
import zlib
from pathlib import Path

from desktop_app.domain.job import JobState
from desktop_app.domain.job_change import JobChange
from desktop_app.domain.request import AspectRatio, GenerationRequest, Resolution
from desktop_app.journal.job_journal import JobJournal
from desktop_app.paths import AppPaths
from desktop_app.resources import resource

SUBJECTS = ("character1", "character1 and character2", "character2", "character3")
ACTIONS = (
    "walks along", "dances on", "waves from", "runs across", "sits quietly by", "jumps over",
    "sings beside", "paints near", "reads under", "laughs at", "surfs toward", "cycles past",
)  # fmt: skip
PLACES = (
    "the beach at sunset", "a snowy forest", "a neon city street", "an old library",
    "a mountain lake", "a busy market", "the moon", "a desert canyon", "a rainy rooftop",
    "a flower meadow", "an underwater reef", "a quiet café", "a castle courtyard",
)  # fmt: skip
STYLES = ("", ", cinematic", ", slow motion", ", handheld camera", ", golden hour", ", 35mm film")
SEARCH_WORDS = ("canyon", "dances", "neon", "cinematic", "café")
"""Searched for in the benchmark: rare and common words, with and without accents."""


class _Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def seed_history(home: Path, count: int, *, seed: int = 7) -> Path:
    """Fill `home` (a `--home` folder) with `count` finished jobs; returns the journal."""
    paths = AppPaths.resolve(str(home), {})
    rng = random.Random(seed)
    paths.default_library.mkdir(parents=True, exist_ok=True)
    clip = paths.data / "clip.mp4"
    shutil.copyfile(resource("demo.mp4"), clip)
    thumbnails = paths.data / "thumbnails"
    thumbnails.mkdir(parents=True, exist_ok=True)
    picture = thumbnails / "picture.png"
    picture.write_bytes(grey_png(160, 90))
    clock = _Clock(1_700_000_000.0)
    journal = JobJournal(paths.journal, clock=clock)
    # Seeding only: the app never turns durability off.
    journal._db.execute("PRAGMA synchronous = OFF")
    for number in range(count):
        request = GenerationRequest(
            prompt=f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(PLACES)}"
            f"{rng.choice(STYLES)}",
            video_urls=tuple(
                f"https://media.example.org/ref-{rng.randrange(50)}.mp4"
                for _ in range(rng.randint(1, 3))
            ),
            resolution=rng.choice((Resolution.HD, Resolution.FULL_HD)),
            aspect_ratio=rng.choice(list(AspectRatio)),
            duration=rng.choice((5, 10, 15)),
            seed=rng.randrange(1 << 31),
        )
        job = journal.create(request)
        clock.now += rng.uniform(60, 1800)
        roll = rng.random()
        if roll < 0.9:
            target = paths.default_library / f"clip-{number:05d}.mp4"
            target.symlink_to(clip)
            journal.update(
                job.id, JobChange(state=JobState.DOWNLOADING, generation_id=f"gen-{number}")
            )
            journal.update(
                job.id,
                JobChange(
                    state=JobState.DONE,
                    file_path=target,
                    file_size=clip.stat().st_size,
                    credits_used=request.duration * 315_000,
                    finished_at=clock.now,
                ),
            )
            (thumbnails / f"{job.id}.png").symlink_to(picture)
        elif roll < 0.97:
            journal.update(job.id, JobChange(state=JobState.QUEUED, generation_id=f"gen-{number}"))
            journal.update(job.id, JobChange(state=JobState.FAILED, finished_at=clock.now))
        else:
            journal.update(job.id, JobChange(state=JobState.REJECTED, finished_at=clock.now))
    journal.close()
    return paths.journal


def copy_home(source: Path, target: Path) -> Path:
    """A fresh copy of a seeded home (its clips and pictures stay links to the seeded
    ones), so every run starts from the same history."""
    shutil.copytree(source, target, symlinks=True)
    return target


def grey_png(width: int, height: int) -> bytes:
    """A plain grey PNG, made without Qt."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
