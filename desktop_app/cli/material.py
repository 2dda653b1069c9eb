"""The creator's own material on the command line: kept characters (`--character NAME`)
and parts of long clips (`--ref PATH@START-END`), turned into the references a request
holds."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from desktop_app.domain.models import ModelSpec
from desktop_app.domain.references import local_path
from desktop_app.domain.trim import split_span
from desktop_app.runtime import Runtime
from desktop_app.uploads.clip_file import MAX_BYTES as MAX_CLIP_BYTES
from desktop_app.uploads.clip_file import ClipFileError


def expand_characters(args: argparse.Namespace, runtime: Runtime) -> bool:
    """`--character NAME` (in the order given, after `--ref` and `--image`): each one's
    clips become references and its stills images. False (said why) for a name not kept."""
    for name in args.characters:
        character = runtime.journal.character(name)
        if character is None:
            print(f"Nothing was sent: there is no character {name[:60]!r} "
                  "(`wan-studio characters` lists them).", file=sys.stderr)  # fmt: skip
            return False
        args.refs = [*args.refs, *character.clips()]
        args.images = [*args.images, *character.stills()]
    return True


async def cut_parts(refs: list[str], spec: ModelSpec, cache: Path) -> list[str] | None:
    """Each `PATH@START-END` reference cut to that part (a new file in the app's cache, the
    source only read); None (the reason said) when a part cannot be cut."""
    from desktop_app.uploads.trim import cut_clip  # PyAV: only when a part is asked for

    cut_refs = []
    for ref in refs:
        path_text, span = split_span(ref)
        path = local_path(path_text) or Path(path_text)
        if span is None or ("://" in path_text and local_path(path_text) is None):
            cut_refs.append(ref)
            continue
        problem = span.problem(*spec.video_seconds)
        if problem:
            print(f"Nothing was sent: {path.name}: {problem}.", file=sys.stderr)
            return None
        try:
            cut = await asyncio.to_thread(
                cut_clip, path.expanduser(), span, cache, fit_bytes=MAX_CLIP_BYTES
            )
        except (ClipFileError, OSError) as error:
            print(f"Nothing was sent: {error}", file=sys.stderr)
            return None
        how = "already cut" if cut.reused else "copied" if cut.copied else "encoded again"
        print(f"{path.name} {span.text()}: {how}, {cut.path}", file=sys.stderr)
        cut_refs.append(str(cut.path))
    return cut_refs
