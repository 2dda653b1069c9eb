"""The creator's bucket on a real S3-compatible server (moto on 127.0.0.1, signatures
checked): large clips go up in parts with progress, and a stopped upload leaves nothing
visible."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from desktop_app.uploads.bucket import ClipBucket, ClipChangedError
from desktop_app.uploads.clip_file import file_sha256
from desktop_app.uploads.config import StorageConfig, StorageRefusedError
from tests.s3_server import S3Server


def bucket_of(s3: S3Server, secret: str | None = None) -> ClipBucket:
    config = StorageConfig(s3.url, s3.bucket, prefix="parts/")
    return ClipBucket(config, s3.key_id, secret or s3.secret)


@pytest.fixture
def large(tmp_path: Path) -> Path:
    path = tmp_path / "large.mp4"
    path.write_bytes(os.urandom(20 * 1024 * 1024))
    return path


def test_a_large_clip_goes_up_in_parts_with_progress(s3: S3Server, large: Path) -> None:
    bucket = bucket_of(s3)
    seen: list[int] = []
    size = large.stat().st_size

    async def scenario() -> bool:
        await bucket.upload(
            large, "parts/whole.mp4", size, file_sha256(large), lambda sent, _all: seen.append(sent)
        )
        return await bucket.has("parts/whole.mp4", size)

    assert asyncio.run(scenario())
    assert seen == sorted(seen) and seen[-1] == size and len(seen) >= 20
    head = s3.client().head_object(Bucket=s3.bucket, Key="parts/whole.mp4")
    assert head["ContentLength"] == size and "-" in head["ETag"]  # a multipart object


def test_a_cancelled_upload_leaves_nothing_visible(s3: S3Server, large: Path) -> None:
    bucket = bucket_of(s3)
    size = large.stat().st_size

    async def scenario() -> bool:
        started = asyncio.Event()
        upload = asyncio.ensure_future(
            bucket.upload(large, "parts/stopped.mp4", size, "0" * 64, lambda *_: started.set())
        )
        await started.wait()
        upload.cancel()
        with pytest.raises(asyncio.CancelledError):
            await upload
        return await bucket.has("parts/stopped.mp4", size)

    assert asyncio.run(scenario()) is False
    assert s3.object_keys("parts/stopped") == []


def test_a_wrong_secret_is_refused_by_the_server(s3: S3Server, tmp_path: Path) -> None:
    clip = tmp_path / "c.mp4"
    clip.write_bytes(b"x" * 100)
    with pytest.raises(StorageRefusedError, match="SignatureDoesNotMatch"):
        asyncio.run(bucket_of(s3, secret="wrong").upload(clip, "parts/c.mp4", 100, "0" * 64, print))


def test_a_clip_rewritten_after_it_was_hashed_is_taken_out_again(
    s3: S3Server, tmp_path: Path
) -> None:
    """Hashed, then rewritten before its bytes went up: the object would be named for
    other bytes, so it is deleted and nothing is sent."""
    clip = tmp_path / "c.mp4"
    clip.write_bytes(b"first take " * 1000)
    hashed = file_sha256(clip)
    clip.write_bytes(b"second take " * 1000)
    bucket = bucket_of(s3)
    key = bucket.key_for(hashed, clip)
    with pytest.raises(ClipChangedError, match="changed while it was being uploaded"):
        asyncio.run(bucket.upload(clip, key, clip.stat().st_size, hashed, lambda *_: None))
    assert key not in s3.object_keys("parts/")
