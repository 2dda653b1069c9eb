"""`wan-studio storage set|status|clear`: the creator's S3-compatible storage for clips
from this computer. The keys go to the system keyring (or come from AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY); the rest to the settings."""

from __future__ import annotations

import argparse
import getpass
import sys

from desktop_app.cli.commands import EXIT_INVALID, EXIT_OK
from desktop_app.cli.output import print_json
from desktop_app.domain.base_url import without_credentials
from desktop_app.runtime import Runtime
from desktop_app.secrets.keystore import KeyringUnavailableError
from desktop_app.uploads.config import StorageConfig, StorageNotSetUpError


async def storage(args: argparse.Namespace, runtime: Runtime) -> int:
    if args.storage_command == "set":
        return set_storage(args, runtime)
    if args.storage_command == "clear":
        return clear_storage(runtime)
    return await storage_status(args, runtime)


def set_storage(args: argparse.Namespace, runtime: Runtime) -> int:
    config = StorageConfig(args.endpoint.strip(), args.bucket.strip(), args.region.strip(),
                           args.prefix, args.link_hours)  # fmt: skip
    problem = config.problem()
    if problem:
        print(f"{problem} Nothing was stored.", file=sys.stderr)
        return EXIT_INVALID
    keys = runtime.storage_keys
    if keys.from_environment() is None:
        key_id, secret = _ask_keys()
        if not key_id or not secret:
            print("Both the access key id and the secret are needed. Nothing was stored.",
                  file=sys.stderr)  # fmt: skip
            return EXIT_INVALID
        try:
            keys.set(key_id, secret)
        except KeyringUnavailableError as error:
            print(error, file=sys.stderr)
            return EXIT_INVALID
    settings = runtime.settings_file.load().with_changes(
        storage_endpoint=config.endpoint, storage_bucket=config.bucket,
        storage_region=config.region, storage_prefix=config.prefix,
        storage_link_hours=config.link_hours,
    )  # fmt: skip
    runtime.settings_file.save(settings)
    where = "the environment" if keys.from_environment() else "the system keyring"
    print(f"Storage set: {config.endpoint}, bucket {config.bucket}; the keys are in {where}. "
          "`wan-studio storage status --check` tries them.")  # fmt: skip
    return EXIT_OK


def _ask_keys() -> tuple[str, str]:
    if sys.stdin.isatty():
        return getpass.getpass("Access key id: ").strip(), getpass.getpass("Secret key: ").strip()
    return sys.stdin.readline().strip(), sys.stdin.readline().strip()


def clear_storage(runtime: Runtime) -> int:
    try:
        removed = runtime.storage_keys.clear()
    except KeyringUnavailableError:
        removed = False  # no keyring: nothing can be stored there either
    settings = runtime.settings_file.load().with_changes(storage_endpoint="", storage_bucket="")
    runtime.settings_file.save(settings)
    print("Storage cleared" + (" (and its keys removed from the keyring)." if removed else "."))
    return EXIT_OK


async def storage_status(args: argparse.Namespace, runtime: Runtime) -> int:
    config = runtime.storage_config
    credentials = runtime.storage_keys.get() if config.problem() is None else None
    status = {
        "endpoint": without_credentials(config.endpoint) if config.endpoint else None,
        "problem": config.problem() if config.endpoint else None,
        "bucket": config.bucket or None,
        "region": config.region,
        "prefix": config.prefix,
        "link_hours": config.link_hours,
        "keys": credentials.source if credentials else None,
        "checked": None,
    }
    if args.check:
        if credentials is None:
            raise StorageNotSetUpError(
                config.problem() or "The storage keys are missing: `wan-studio storage set`."
            )
        from desktop_app.uploads.bucket import ClipBucket  # the S3 client: this check only

        await ClipBucket(config, credentials.key_id, credentials.secret).check()
        status["checked"] = "ok"
    if args.json:
        print_json(status)
    elif not config.endpoint:
        print("No storage is set up for clips from this computer: `wan-studio storage set`.")
    else:
        endpoint = without_credentials(config.endpoint)
        print(f"Storage: {endpoint}, bucket {config.bucket} ({config.region}), "
              f"objects under {config.prefix!r}, links valid {config.link_hours} h.")  # fmt: skip
        print(f"Keys: {credentials.source if credentials else 'missing'}.")
        if args.check:
            print("The storage accepts the keys.")
    return EXIT_OK
