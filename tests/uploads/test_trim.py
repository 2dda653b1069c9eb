"""Cutting the part that matters out of a long clip: frame-accurate, the source untouched,
a cut made once and reused, copied when the part is on key frames and encoded across
them, and a cancelled cut leaves nothing."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from desktop_app.domain.trim import Span, split_span
from desktop_app.uploads.clip_file import ClipFileError, file_sha256, inspect_clip
from desktop_app.uploads.trim import CutCancelledError, cut_clip, cut_origin, origin_of
from tests.clips import FPS, clip_length, make_clip, make_heavy_clip

FRAME = 1 / FPS


def grey_levels(clip: Path) -> tuple[int, int]:
    """The grey level of the first and the last frame (make_clip's: 4 per second)."""
    with av.open(str(clip)) as opened:
        frames = [f.to_rgb() for f in opened.decode(video=0)]
    first, last = (bytes(f.planes[0])[0] for f in (frames[0], frames[-1]))
    return round(first / 4) * 4, round(last / 4) * 4


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 s, a phone video's length: more than the service takes."""
    return make_clip(tmp_path_factory.mktemp("source") / "phone video.mp4", 60)


def test_a_cut_across_key_frames_is_encoded_frame_exact_and_made_once(
    long_clip: Path, tmp_path: Path
) -> None:
    before = file_sha256(long_clip)
    cut = cut_clip(long_clip, Span(12.5, 18.0), tmp_path / "cuts")
    assert not cut.copied and not cut.reused
    seconds, frames = clip_length(cut.path)
    assert abs(seconds - 5.5) <= FRAME
    assert frames == 132  # 5.5 s at 24 fps
    assert inspect_clip(cut.path).seconds == pytest.approx(5.5, abs=FRAME)  # the upload check
    assert grey_levels(cut.path) == (48, 68)  # from second 12 to second 17 of the source
    assert file_sha256(long_clip) == before  # the source is only read
    again = cut_clip(long_clip, Span(12.5, 18.0), tmp_path / "cuts")
    assert again.reused and again.path == cut.path
    # The cut, and what it was cut from beside it (the job and the sidecar say it).
    assert sorted(p.name for p in (tmp_path / "cuts").iterdir()) == sorted(
        [cut.path.name, origin_of(cut.path).name]
    )
    assert cut_origin(cut.path) == (str(long_clip), Span(12.5, 18.0))


def test_a_cut_on_key_frames_is_copied(long_clip: Path, tmp_path: Path) -> None:
    cut = cut_clip(long_clip, Span(12.0, 18.0), tmp_path / "cuts")
    assert cut.copied
    seconds, frames = clip_length(cut.path)
    assert abs(seconds - 6.0) <= FRAME
    assert frames == 144


def test_a_cancelled_cut_leaves_no_file(long_clip: Path, tmp_path: Path) -> None:
    seen: list[float] = []
    with pytest.raises(CutCancelledError):
        cut_clip(long_clip, Span(3.3, 20.0), tmp_path / "cuts", progress=seen.append,
                 cancelled=lambda: len(seen) > 10)  # fmt: skip
    assert list((tmp_path / "cuts").iterdir()) == []


def test_a_part_that_is_not_in_the_clip_is_a_sentence(long_clip: Path, tmp_path: Path) -> None:
    with pytest.raises(ClipFileError, match=r"lasts 60\.0 s: the part 58-65 s is not in it"):
        cut_clip(long_clip, Span(58, 65), tmp_path / "cuts")


def test_path_at_a_span_reads_as_the_path_and_its_part() -> None:
    assert split_span("~/clips/mia.mp4@12.5-18") == ("~/clips/mia.mp4", Span(12.5, 18.0))
    assert split_span("https://e.com/a.mp4") == ("https://e.com/a.mp4", None)
    assert Span(12.5, 18).problem(2, 30) is None
    assert Span(18, 12.5).problem(2, 30) == "the part 18-12.5 s must start before it ends"
    assert Span(0, 45).problem(2, 30) == (
        "the part 0-45 s lasts 45 s; a reference clip lasts 2 to 30 s"
    )


@pytest.mark.timeout(240)
def test_a_clip_over_100_mb_in_another_codec_is_made_to_fit(tmp_path: Path) -> None:
    """150 MB of MPEG-4 Part 2 (noise: nothing compresses): encoded again to H.264 at a
    bitrate that fits under 100 MB, the whole length kept."""
    heavy = make_heavy_clip(tmp_path / "heavy.mp4", 150, 1920, 1080)
    assert heavy.stat().st_size >= 150_000_000
    seconds, _ = clip_length(heavy)
    assert seconds <= 30  # too large, not too long
    fitted = cut_clip(heavy, Span(0, round(seconds, 3)), tmp_path / "cuts",
                      fit_bytes=100 * 1024 * 1024)  # fmt: skip
    assert not fitted.copied
    assert fitted.path.stat().st_size < 100 * 1024 * 1024
    got_seconds, _ = clip_length(fitted.path)
    assert abs(got_seconds - seconds) <= FRAME
    with av.open(str(fitted.path)) as opened:
        assert opened.streams.video[0].codec_context.name == "h264"
    inspect_clip(fitted.path)  # the upload's own check takes it
