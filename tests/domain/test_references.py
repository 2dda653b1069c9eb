"""References as a creator gives them: share pages become direct-download links, and
clips on this computer are told from links (no traffic: these are rules on text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.domain.references import direct_link, local_path


@pytest.mark.parametrize(
    ("page", "direct"),
    [
        ("https://www.dropbox.com/s/abc123/cat.mp4?dl=0",
         "https://www.dropbox.com/s/abc123/cat.mp4?dl=1"),
        ("https://www.dropbox.com/scl/fi/xyz/cat.mp4?rlkey=k&dl=0",
         "https://www.dropbox.com/scl/fi/xyz/cat.mp4?rlkey=k&dl=1"),
        ("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing",
         "https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOp"),
        ("https://github.com/owner/repo/blob/main/clips/dog.mp4",
         "https://raw.githubusercontent.com/owner/repo/main/clips/dog.mp4"),
        ("https://1drv.ms/v/s!AbCdEf", "https://1drv.ms/v/s!AbCdEf?download=1"),
    ],
)  # fmt: skip
def test_known_share_pages_become_their_direct_download_form(page: str, direct: str) -> None:
    link = direct_link(page)
    assert link.url == direct
    assert link.note is not None and "direct-download" in link.note


def test_other_links_stay_as_they_are() -> None:
    for url in ("https://cdn.example.com/a.mp4", "https://www.dropbox.com/s/a/b.mp4?dl=1"):
        assert direct_link(url).url == url
        assert direct_link(url).note is None


def test_paths_and_file_urls_are_clips_on_this_computer() -> None:
    assert local_path("/home/zoë/my clips/a.mp4") == Path("/home/zoë/my clips/a.mp4")
    assert local_path("file:///home/zo%C3%AB/my%20clips/a.mp4") == Path("/home/zoë/my clips/a.mp4")
    assert local_path("https://example.com/a.mp4") is None
    assert local_path("file://otherhost/a.mp4") is None
