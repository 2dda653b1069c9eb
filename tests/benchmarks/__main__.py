"""The benchmark command: every row of issue #11 (and P7, uploads, of #17), each against its
baseline in the same run.

    .venv/bin/python -m tests.benchmarks [--runs N] [--quick] [--only P1,P3] [--json FILE]

Prints the table and writes the same figures as JSON (build/benchmarks.json by default).
`--quick` is the short version CI runs: small inputs, one run; it proves the benchmark
still works and never fails on a figure. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import compileall
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks.download import download_speed
from tests.benchmarks.harness import Line, Settings, machine, table, write_json
from tests.benchmarks.history import seed_history
from tests.benchmarks.idle import idle_cpu
from tests.benchmarks.long_history import long_history
from tests.benchmarks.polling import learned_pace, polling_cost
from tests.benchmarks.scrolling import scroll_and_search
from tests.benchmarks.stall import loop_stall
from tests.benchmarks.startup import start_up
from tests.benchmarks.trimming import trimming
from tests.benchmarks.upload import upload_speed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement")
    parser.add_argument("--quick", action="store_true", help="CI's short version")
    parser.add_argument("--only", default="", help="rows to run, e.g. P1,P3")
    parser.add_argument("--json", default="build/benchmarks.json", type=Path)
    args = parser.parse_args(argv)
    settings = Settings(runs=1 if args.quick else args.runs, quick=args.quick)
    jobs = 1_000 if settings.quick else 10_000
    wanted = {part.strip().upper() for part in args.only.split(",") if part.strip()}
    lines: list[Line] = []
    compile_bytecode()
    with tempfile.TemporaryDirectory() as scratch:
        seeded = Path(scratch) / "history"
        seed_history(seeded, jobs)
        rows: list[tuple[str, Callable[[], list[Line]]]] = [
            ("P1", lambda: start_up(settings, seeded)),
            ("P2", lambda: loop_stall(settings)),
            ("P3", lambda: download_speed(settings)),
            ("P4", lambda: idle_cpu(settings, seeded, jobs)),
            ("P5", lambda: scroll_and_search(settings, seeded, jobs)),
            ("P5B", lambda: long_history(settings, Path(scratch))),
            ("P6", lambda: [*polling_cost(settings), *learned_pace(settings)]),
            ("P7", lambda: upload_speed(settings)),
            ("P8", lambda: trimming(settings)),
        ]
        for row_id, measure in rows:
            if wanted and row_id not in wanted:
                continue
            started = time.monotonic()
            print(f"measuring {row_id} …", file=sys.stderr, flush=True)
            lines += measure()
            print(f"  {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(lines))
    facts = machine()
    print(f"\n{facts['cpu']}, {facts['cores']} cores, {facts['system']}, Python {facts['python']}")
    print(f"{settings.runs} run(s) of each; median (min–max).")
    write_json(args.json, lines, settings)
    print(f"figures written to {args.json}")
    return 0


def compile_bytecode() -> None:
    """Bytecode for the app's and the benchmark's modules, as an installed app has (pip
    compiles at install): the measured processes (PYTHONDONTWRITEBYTECODE) would otherwise
    compile every module changed since its last bytecode, at every start (~60 ms in P1)."""
    for folder in ("desktop_app", "tests/benchmarks"):
        compileall.compile_dir(Path(__file__).parents[2] / folder, quiet=1)


if __name__ == "__main__":
    sys.exit(main())
