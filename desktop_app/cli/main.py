"""`wan-studio` entry point: parse, set up logging and the runtime, run one command."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence

from desktop_app.cli import commands
from desktop_app.cli.parser import build_parser
from desktop_app.display import display_problem
from desktop_app.domain.errors import WanStudioError
from desktop_app.logs import configure_logging
from desktop_app.paths import AppPaths
from desktop_app.runtime import Runtime, RuntimeOptions
from desktop_app.secrets.keystore import KeyStore

EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    environ = dict(os.environ)
    if args.command == "simulator":
        return commands.run_simulator(args)
    if args.command is None:
        problem = display_problem(environ)
        if problem and not (args.screenshot or args.smoke):
            print(problem, file=sys.stderr)
            return 1
        if problem:  # --screenshot and --smoke work without a display
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from desktop_app.app import run_window  # Qt is loaded only for the window

        return run_window(args, environ)
    paths = AppPaths.resolve(args.home, environ)
    redactor = configure_logging(paths.log_file, verbose=args.verbose)
    key_store = KeyStore(environ=environ)
    if args.command == "key" and not (args.key_command == "status" and args.check):
        return commands.run_key(args, key_store, redactor)
    options = RuntimeOptions(
        home=args.home,
        base_url=args.base_url,
        poll_interval=args.poll_interval,
        demo=args.demo,
        reconcile_grace=args.reconcile_grace,
    )
    try:
        runtime = Runtime(options, environ, key_store, redactor)
        return asyncio.run(commands.run(args, runtime))
    except KeyboardInterrupt:
        print(
            "\nInterrupted. Nothing is lost: the job stays in the journal; "
            "`wan-studio resume` picks it up.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except WanStudioError as error:
        print(error.explain(), file=sys.stderr)
        return commands.error_code(error)


if __name__ == "__main__":
    sys.exit(main())
