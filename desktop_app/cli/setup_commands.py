"""The commands that set Wan Studio up rather than run jobs: the API key, setting a damaged
journal aside, and the API simulator."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from desktop_app.api.secret import ApiKey, InvalidKeyError
from desktop_app.cli.commands import EXIT_INVALID, EXIT_OK
from desktop_app.domain.base_url import InvalidBaseUrlError
from desktop_app.journal.repair import healthy_job_count, set_aside
from desktop_app.logs import SecretRedactor
from desktop_app.paths import AppPaths
from desktop_app.runtime import resolve_base_url
from desktop_app.secrets.keystore import KeyringUnavailableError, KeySource, KeyStore
from desktop_app.settings import SettingsFile


def run_key(
    args: argparse.Namespace, store: KeyStore, redactor: SecretRedactor, paths: AppPaths
) -> int:
    try:
        if args.key_command == "set":
            text = (
                getpass.getpass("AI/ML API key: ") if sys.stdin.isatty() else sys.stdin.readline()
            )
            try:
                key = ApiKey(text, source="The key given")
            except InvalidKeyError as error:
                print(f"{error} Nothing was stored.", file=sys.stderr)
                return EXIT_INVALID
            redactor.add(key.reveal())
            store.set(key)
            print("The API key is stored in the system keyring.")
        elif args.key_command == "clear":
            print("The stored API key was removed." if store.clear() else "No key was stored.")
        else:
            status = store.status()
            print(status.describe())
            if status.source is KeySource.NONE:
                print("Store one with `wan-studio key set`, or set AIMLAPI_KEY.")
            print(base_url_line(args, paths))
    except KeyringUnavailableError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def base_url_line(args: argparse.Namespace, paths: AppPaths) -> str:
    """Which base URL the key goes to (or why the one configured cannot be used)."""
    settings = SettingsFile(paths.settings_file).load()
    try:
        address = resolve_base_url(args.base_url, os.environ, settings)
    except InvalidBaseUrlError as error:
        return str(error)
    return f"The key is sent only to the API at {address.url}."


def set_aside_journal(paths: AppPaths, *, force: bool) -> int:
    if not paths.journal.exists():
        print(f"There is no journal at {paths.journal}; nothing to do.")
        return EXIT_OK
    jobs = healthy_job_count(paths.journal)
    if jobs is not None and not force:
        question = (
            f"The journal {paths.journal} is not damaged: it holds {jobs} job(s), which a new "
            "one would not show."
        )
        if not sys.stdin.isatty():
            print(f"{question} Nothing was moved; add --force to set it aside anyway.",
                  file=sys.stderr)  # fmt: skip
            return EXIT_INVALID
        if input(f"{question} Set it aside anyway? [y/N] ").strip().lower() not in ("y", "yes"):
            print("Nothing was moved.")
            return EXIT_OK
    aside = set_aside(paths.journal)
    print(f"The journal was moved to {aside} (kept, not deleted). A new one starts now.")
    return EXIT_OK


def run_simulator(args: argparse.Namespace) -> int:
    from desktop_app.simulator import Simulator, SimulatorConfig  # only this command

    config = SimulatorConfig(
        api_key=None if args.any_key else args.key,
        queued_seconds=args.queued_seconds,
        generating_seconds=args.generating_seconds,
        link_ttl_seconds=args.link_ttl,
        clip=Path(args.clip) if args.clip else None,
    )
    simulator = Simulator(config, host=args.host, port=args.port)
    print(f"Wan Studio API simulator on {simulator.base_url} (Ctrl+C stops it)", flush=True)
    try:
        simulator.serve_forever()
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_OK
