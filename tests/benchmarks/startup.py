"""P1 and P5's start-up: whole processes, from spawn to the main window shown with the
player holding the clip (`wan-studio --smoke` prints a line then), against a bare PySide6
window loading the same clip, and with 10,000 jobs against an empty history."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from desktop_app.resources import resource
from tests.benchmarks.harness import Figure, Line, Settings, figure, ratio_of
from tests.benchmarks.history import copy_home
from tests.benchmarks.processes import (
    BENCH_KEY,
    PYTHON,
    Started,
    app_command,
    qt_environ,
    simulator,
    time_to_line,
)

SMOKE_LINE = "smoke: window open"


def _interleaved(
    settings: Settings, measures: dict[str, Callable[[], Started]]
) -> dict[str, list[Started]]:
    """Each measure once as a warm-up, then `runs` rounds taking each in turn, so that a
    slow moment of the machine falls on all of them alike."""
    for measure in measures.values():
        measure()
    found: dict[str, list[Started]] = {name: [] for name in measures}
    for _ in range(settings.runs):
        for name, measure in measures.items():
            found[name].append(measure())
    return found


def start_up(settings: Settings, seeded: Path) -> list[Line]:
    clip = resource("demo.mp4")
    with simulator() as base_url, tempfile.TemporaryDirectory() as scratch:
        environ = qt_environ(AIMLAPI_KEY=BENCH_KEY, AIMLAPI_BASE_URL=base_url)
        homes = iter(range(1_000_000))

        def app(*extra: str, history: Path | None = None) -> Started:
            home = Path(scratch) / f"home-{next(homes)}"
            if history is not None:
                copy_home(history, home)
            command = app_command("--home", str(home), "--smoke", *extra)
            return time_to_line(command, environ, SMOKE_LINE)

        def first_frame() -> Started:
            home = Path(scratch) / f"home-{next(homes)}"
            command = [PYTHON, "-m", "tests.benchmarks.first_frame", str(home)]
            return time_to_line(command, environ, "first frame")

        def bare() -> Started:
            command = [PYTHON, "-m", "tests.benchmarks.bare_window", str(clip)]
            return time_to_line(command, environ, "ready")

        found = _interleaved(
            settings,
            {
                "bare": bare,
                "app": app,
                "first frame": first_frame,
                "demo": lambda: app("--demo"),
                "history": lambda: app(history=seeded),
            },
        )
    seconds = {name: figure([s.seconds for s in runs], "s") for name, runs in found.items()}
    whole = {name: figure([s.exited for s in runs], "s") for name, runs in found.items()}
    memory = {name: figure([s.peak_mib for s in runs], "MiB") for name, runs in found.items()}
    lines = []
    for name, what in (("app", "start, empty history"), ("demo", "start, demo mode")):
        ratio = ratio_of(seconds[name], seconds["bare"])
        extra_mib = memory[name].median - memory["bare"].median
        lines.append(
            Line(
                id="P1" if name == "app" else "P1 demo",
                measures=f"{what}: spawn to window shown, player loaded",
                app=seconds[name],
                baseline=seconds["bare"],
                ratio=ratio,
                target="≤1.3x; peak memory ≤ baseline + 40 MiB",
                met=ratio is not None and ratio <= 1.3 and extra_mib <= 40,
                notes={
                    "peak memory": f"{memory[name].text()} against {memory['bare'].text()} "
                    f"(+{extra_mib:.0f} MiB)"
                },
            )
        )
    lines += [  # the first frame's and the whole process's targets are #29's
        _ratio_line("P1 frame", "start: spawn to the window's first frame, draft in it (no "
                    "engine yet)", seconds["first frame"], seconds["bare"], 1.5),
        _ratio_line("P1 exit", "start, empty history: spawn to exit (`--smoke` whole process)",
                    whole["app"], whole["bare"], 2.5),
        _ratio_line("P5 start", "start with a long history (same as P1, history seeded)",
                    seconds["history"], seconds["app"], 1.1),
    ]  # fmt: skip
    return lines


def _ratio_line(row: str, measures: str, app: Figure, baseline: Figure, most: float) -> Line:
    """A row whose target is the app's time at most `most` times the baseline's."""
    ratio = ratio_of(app, baseline)
    return Line(
        id=row, measures=measures, app=app, baseline=baseline, ratio=ratio,
        target=f"≤{most:g}x", met=ratio is not None and ratio <= most,
    )  # fmt: skip
