"""P5's list: wheel through the whole job list of a long history, a frame per notch, and
search its prompts; measured inside the window process (window_driver scroll)."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from tests.benchmarks.harness import Line, Settings, figure
from tests.benchmarks.history import copy_home
from tests.benchmarks.processes import PYTHON, qt_environ, run_json, simulator


def scroll_and_search(settings: Settings, seeded: Path, jobs: int, row: str = "P5") -> list[Line]:
    worst_frames, p99_frames, worst_searches, accounts = [], [], [], []
    slowest_word: dict[str, float] = {}
    with simulator() as base_url, tempfile.TemporaryDirectory() as scratch:
        for run in range(settings.runs):
            home = copy_home(seeded, Path(scratch) / f"home-{run}")
            found = run_json(
                [PYTHON, "-m", "tests.benchmarks.window_driver", "scroll", str(home), base_url],
                qt_environ(),
                timeout=900,
            )
            frames = sorted(found["frame_ms"])
            worst_frames.append(frames[-1])
            if found["worst_frame"]:
                took, ran, queued, reads, kernel = found["worst_frame"]
                accounts.append(
                    f"{took:.1f} ms: ran {ran:.1f} (in the kernel {kernel:.1f}), waited for a "
                    f"CPU {queued:.1f}, read the disk {reads} times"
                )
            p99_frames.append(frames[int(len(frames) * 0.99)])
            searches = found["searches"]
            worst_searches.append(max(s["ms"] for s in searches.values()))
            for word, result in searches.items():
                slowest_word[word] = max(slowest_word.get(word, 0.0), result["ms"])
    worst = figure(worst_frames, "ms")
    search = figure(worst_searches, "ms")
    return [
        Line(
            id=f"{row} scroll",
            measures=f"slowest frame wheeling through all {jobs:,} jobs",
            app=worst,
            baseline=None,
            target="every frame <16 ms",
            met=worst.median < 16,
            notes={
                "frames": f"{len(frames):,} a run; p99 {statistics.median(p99_frames):.1f} ms; "
                f"median {statistics.median(frames):.1f} ms",
                "worst frame of each run": "; ".join(accounts),
            },
        ),
        Line(
            id=f"{row} search",
            measures=f"slowest prompt search over {jobs:,} jobs, results painted",
            app=search,
            baseline=None,
            target="<50 ms",
            met=search.median < 50,
            notes={"words": ", ".join(f"{w} {ms:.0f} ms" for w, ms in slowest_word.items())},
        ),
    ]
