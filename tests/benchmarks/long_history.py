"""P5b: a year of a busy creator's variations, 100,000 jobs: wheeling through the list
and searching it (as P5), and starting the app on it against an empty history."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.benchmarks.harness import Line, Settings, figure, ratio_of
from tests.benchmarks.history import copy_home, seed_history
from tests.benchmarks.processes import BENCH_KEY, app_command, qt_environ, simulator, time_to_line
from tests.benchmarks.scrolling import scroll_and_search
from tests.benchmarks.startup import SMOKE_LINE

JOBS = 100_000


def long_history(settings: Settings, scratch: Path) -> list[Line]:
    jobs = 5_000 if settings.quick else JOBS
    seeded = scratch / "history-long"
    seed_history(seeded, jobs)
    lines = scroll_and_search(settings, seeded, jobs, row="P5b")
    with simulator() as base_url, tempfile.TemporaryDirectory() as homes:
        environ = qt_environ(AIMLAPI_KEY=BENCH_KEY, AIMLAPI_BASE_URL=base_url)

        def start(history: Path | None, n: int) -> float:
            home = Path(homes) / f"home-{n}"
            if history is not None:
                copy_home(history, home)
            command = app_command("--home", str(home), "--smoke")
            return time_to_line(command, environ, SMOKE_LINE).seconds

        start(None, -1)  # a warm-up
        empty, long = [], []
        for n in range(settings.runs):  # in turn: a slow moment falls on both alike
            empty.append(start(None, 2 * n))
            long.append(start(seeded, 2 * n + 1))
    app, baseline = figure(long, "s"), figure(empty, "s")
    ratio = ratio_of(app, baseline)
    lines.append(
        Line(
            id="P5b start",
            measures=f"start with {jobs:,} jobs: spawn to window shown, player loaded",
            app=app,
            baseline=baseline,
            ratio=ratio,
            target="≤1.1x the empty history",
            met=ratio is not None and ratio <= 1.1,
        )
    )
    return lines
