"""One command of `wan-studio`: logging and the runtime set up, the command run, its
errors said in a sentence with the exit code of their kind."""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from desktop_app.cli import (
    character_commands,
    commands,
    money_commands,
    setup_commands,
    storage_commands,
)
from desktop_app.cli.output import OutputFailedError, TerminalSafe
from desktop_app.domain.errors import ErrorCategory, WanStudioError
from desktop_app.journal.errors import BrokenJournalError, storage_error
from desktop_app.logs import SecretRedactor, configure_logging
from desktop_app.paths import AppPaths
from desktop_app.runtime import Runtime, RuntimeOptions
from desktop_app.secrets.active_key import MissingKeyError
from desktop_app.secrets.keystore import KeyStore

EXIT_INTERRUPTED = 130


def run_subcommand(args: argparse.Namespace, environ: dict[str, str]) -> int:
    paths = AppPaths.resolve(args.home, environ)
    if args.command == "set-aside-journal":
        return setup_commands.set_aside_journal(
            paths.demo() if args.demo else paths, force=args.force
        )
    try:
        redactor = configure_logging(paths.log_file, verbose=args.verbose)
    except OSError as error:
        print(storage_error(error, paths.log_file).explain(), file=sys.stderr)
        return commands.EXIT_FOR_CATEGORY[ErrorCategory.STORAGE]
    key_store = KeyStore(environ=environ)
    options = RuntimeOptions(
        home=args.home,
        base_url=args.base_url,
        poll_interval=args.poll_interval,
        demo=args.demo,
        reconcile_grace=args.reconcile_grace,
    )
    real_stdout, real_stderr = sys.stdout, sys.stderr
    # Server text reaches the terminal with its escape sequences neutralised; a closed
    # standard output (`wan-studio jobs >&-`) takes what is printed quietly.
    sys.stdout, sys.stderr = TerminalSafe(real_stdout), TerminalSafe(real_stderr)
    try:
        if args.command == "key" and not (args.key_command == "status" and args.check):
            code = setup_commands.run_key(args, key_store, redactor, paths)
        else:
            code = run_command(args, options, environ, key_store, redactor)
        sys.stdout.flush()
        return code
    except OutputFailedError as error:
        # Standard output is full (`wan-studio jobs > /dev/full`): say so where it can be read.
        print(error.explain(), file=sys.stderr)
        return commands.error_code(error)
    except BrokenPipeError:
        # The reader went away (`wan-studio jobs | head`): nothing more to say to it.
        if real_stdout is not None:
            os.dup2(os.open(os.devnull, os.O_WRONLY), real_stdout.fileno())
        return 0
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr


async def dispatch(args: argparse.Namespace, runtime: Runtime) -> int:
    """Run one command on `runtime`, then close it."""
    handlers: dict[str, Callable[[argparse.Namespace, Runtime], Awaitable[int] | int]] = {
        "generate": commands.generate,
        "again": commands.again,
        "estimate": money_commands.estimate,
        "balance": money_commands.balance,
        "reconcile": money_commands.reconcile,
        "key": lambda _args, rt: money_commands.check_key(rt),
        "storage": storage_commands.storage,
        "characters": character_commands.characters,
        "jobs": commands.list_jobs,
        "show": commands.show,
        "resume": commands.resume,
        "download": commands.download,
        "unfollow": commands.unfollow,
        "forget": commands.forget,
    }
    try:
        result = handlers[args.command](args, runtime)
        return await result if inspect.isawaitable(result) else result
    finally:
        await runtime.aclose()


def run_command(
    args: argparse.Namespace,
    options: RuntimeOptions,
    environ: dict[str, str],
    key_store: KeyStore,
    redactor: SecretRedactor,
) -> int:
    try:
        runtime = Runtime(options, environ, key_store, redactor, tell=say_once)
        return asyncio.run(dispatch(args, runtime))
    except KeyboardInterrupt:
        print(
            "\nInterrupted. Nothing is lost: the job stays in the journal; "
            "`wan-studio resume` picks it up.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except WanStudioError as error:
        print(error.explain(), file=sys.stderr)
        if isinstance(error, MissingKeyError):
            print(
                "Store one with `wan-studio key set`, or set the AIMLAPI_KEY environment "
                "variable. Keys are made at https://aimlapi.com/app/keys. To try Wan Studio "
                "without one, add --demo.",
                file=sys.stderr,
            )
        if isinstance(error, BrokenJournalError):
            home = f" --home {args.home}" if args.home else ""
            print(f"To do so: wan-studio{home} set-aside-journal", file=sys.stderr)
        return commands.error_code(error)
    except sqlite3.DatabaseError as error:
        # Damage found after opening (a page deep in the file).
        print(storage_error(error, options_journal(options, environ)).explain(), file=sys.stderr)
        return commands.EXIT_FOR_CATEGORY[ErrorCategory.STORAGE]


def say_once(text: str) -> None:
    print(f"Note: {text}", file=sys.stderr)


def options_journal(options: RuntimeOptions, environ: dict[str, str]) -> Path:
    paths = AppPaths.resolve(options.home, environ)
    return (paths.demo() if options.demo else paths).journal
