"""What every benchmark row shares: repeated samples, their median and spread, the row that
pairs the app with its baseline, and the table and JSON they are reported in."""

from __future__ import annotations

import json
import os
import platform
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    runs: int = 5
    quick: bool = False
    """The short version CI runs: small inputs, one run, figures not judged."""


@dataclass(frozen=True)
class Figure:
    """Repeated samples of one quantity."""

    samples: tuple[float, ...]
    unit: str

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.samples), max(self.samples)

    def text(self) -> str:
        low, high = self.spread
        if len(self.samples) == 1:
            return f"{_num(self.median)} {self.unit}"
        return f"{_num(self.median)} {self.unit} ({_num(low)}–{_num(high)})"


def figure(samples: Sequence[float], unit: str) -> Figure:
    return Figure(tuple(samples), unit)


@dataclass(frozen=True)
class Line:
    """One row of the table: what the app measured, against what, and whether it meets
    its target. `ratio` is app / baseline (None where the baseline is zero)."""

    id: str
    measures: str
    app: Figure
    baseline: Figure | None
    target: str
    met: bool
    ratio: float | None = None
    notes: dict[str, str] = field(default_factory=dict)


def ratio_of(app: Figure, baseline: Figure) -> float | None:
    return app.median / baseline.median if baseline.median else None


def table(lines: Sequence[Line]) -> str:
    header = ("id", "measures", "app", "baseline", "ratio", "target", "met")
    rows = [
        (
            line.id,
            line.measures,
            line.app.text(),
            line.baseline.text() if line.baseline else "—",
            f"{line.ratio:.2f}x" if line.ratio is not None else "—",
            line.target,
            "yes" if line.met else "NO",
        )
        for line in lines
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    for line in lines:
        for name, note in line.notes.items():
            out.append(f"  {line.id} {name}: {note}")
    return "\n".join(out)


def machine() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "cpu": _cpu_name(),
        "cores": str(os.cpu_count()),
    }


def write_json(path: Path, lines: Sequence[Line], settings: Settings) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": machine(),
        "settings": asdict(settings),
        "rows": [
            {
                **asdict(line),
                "app": {**asdict(line.app), "median": line.app.median},
                "baseline": (
                    {**asdict(line.baseline), "median": line.baseline.median}
                    if line.baseline
                    else None
                ),
            }
            for line in lines
        ],
    }
    path.write_text(json.dumps(report, indent=2) + "\n")


def _cpu_name() -> str:
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                return text.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _num(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"
