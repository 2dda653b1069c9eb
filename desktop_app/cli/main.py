"""`wan-studio` entry point: parse, then open the window (Qt, without the command line's
modules) or run one command (the engine, without Qt). Each side imports only its own."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

from desktop_app.cli.parser import build_parser
from desktop_app.display import display_problem
from desktop_app.exit_now import exit_now


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    environ = dict(os.environ)
    if args.command == "simulator":
        from desktop_app.cli.setup_commands import run_simulator

        return run_simulator(args)
    if args.command is None:
        problem = display_problem(environ)
        if problem and not (args.screenshot or args.smoke):
            print(problem, file=sys.stderr)
            return 1
        if problem:  # --screenshot and --smoke work without a display
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        # The window's start loads a hundred modules, and Python's automatic collections
        # during it cost ~50 ms (#19): none run until the window's own collector, which
        # collects on the GUI thread, takes over.
        gc.disable()
        from desktop_app.qt.import_hook import skip_source_reading

        skip_source_reading()  # before the window's modules are imported
        from desktop_app.app import run_window  # Qt is loaded only for the window

        return run_window(args, environ)
    from desktop_app.cli.command_line import run_subcommand  # the engine, without Qt

    return run_subcommand(args, environ)


def run() -> None:
    """The `wan-studio` command: `main`, then leave the process.

    obstore (the storage client) runs a Tokio runtime whose worker threads are never told
    to stop; if one of them wakes while the interpreter finalizes, Rust aborts the whole
    process (SIGABRT) although every operation succeeded. Once it has been loaded, the
    process ends right after its output and logs are flushed, without finalizing."""
    code = main()
    if "obstore" not in sys.modules:
        sys.exit(code)
    exit_now(code)


if __name__ == "__main__":
    run()
