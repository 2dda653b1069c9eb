"""`wan-studio characters [list|add|rm|merge]`: the characters a creator keeps, and how
`generate --character NAME` finds their takes."""

from __future__ import annotations

import argparse
import sys

from desktop_app.cli.commands import EXIT_INVALID, EXIT_OK, reference_urls
from desktop_app.cli.output import print_json
from desktop_app.cli.output import terminal_text as safe
from desktop_app.domain.character import Character, Take
from desktop_app.domain.errors import InvalidInputError
from desktop_app.domain.prompt import IMAGE, VIDEO
from desktop_app.domain.references import local_path
from desktop_app.runtime import Runtime
from desktop_app.uploads.thumbnail import thumbnail_png


def characters(args: argparse.Namespace, runtime: Runtime) -> int:
    action = args.characters_command or "list"
    if action == "add":
        return add(args, runtime)
    if action == "rm":
        return remove(args, runtime)
    if action == "merge":
        return merge(args, runtime)
    return list_them(args, runtime)


def list_them(args: argparse.Namespace, runtime: Runtime) -> int:
    kept = runtime.journal.characters()
    if args.json:
        print_json([c.to_json() for c in kept])
    elif not kept:
        print("No characters yet. `wan-studio characters add NAME --ref PATH` keeps one.")
    else:
        for character in kept:
            takes = f"{len(character.clips())} clip(s), {len(character.stills())} still(s)"
            note = f" · {safe(character.note[:80])}" if character.note else ""
            print(f"{safe(character.name)} · {takes}{note}")
    return EXIT_OK


def add(args: argparse.Namespace, runtime: Runtime) -> int:
    takes = [Take(VIDEO, url) for url in reference_urls(args.refs)]
    takes += [Take(IMAGE, url) for url in reference_urls(args.images)]
    local = [path for take in takes if (path := local_path(take.ref)) is not None]
    picture = thumbnail_png(local[0]) if local else None
    character = Character(args.name, tuple(takes), args.note or "", picture)
    try:
        runtime.journal.keep_character(character)
    except InvalidInputError as error:
        print(f"The character was not kept: {error}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Kept {safe(character.name)}: {len(takes)} take(s).")
    return EXIT_OK


def remove(args: argparse.Namespace, runtime: Runtime) -> int:
    if not runtime.journal.forget_character(args.name):
        print(f"There is no character {safe(args.name[:60])!r}.", file=sys.stderr)
        return EXIT_INVALID
    print(f"Forgot {safe(args.name)}; the jobs that used it are unchanged.")
    return EXIT_OK


def merge(args: argparse.Namespace, runtime: Runtime) -> int:
    try:
        merged = runtime.journal.merge_characters(args.into, args.other)
    except InvalidInputError as error:
        print(f"Nothing was merged: {error}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print_json(merged.to_json())
    else:
        print(f"{safe(args.other)} is merged into {safe(merged.name)}: "
              f"{len(merged.takes)} take(s); the jobs that used either are unchanged.")  # fmt: skip
    return EXIT_OK
