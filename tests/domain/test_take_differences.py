"""Two takes told apart in plain words, each side saying what it is."""

from __future__ import annotations

from desktop_app.domain.request import GenerationRequest, Resolution
from desktop_app.domain.take_differences import marked_words, take_sides

URLS = ("https://e.com/a.mp4",)


def test_seeds_are_named_on_each_side() -> None:
    a = GenerationRequest(prompt="character1 dances", video_urls=URLS, seed=880305902)
    b = GenerationRequest(prompt="character1 dances", video_urls=URLS, seed=709499304)
    left, right = take_sides(a, b)
    assert left.facts == ("Seed 880305902",)
    assert right.facts == ("Seed 709499304",)
    assert left.prompt is None and right.prompt is None


def test_differing_prompt_words_are_marked_on_their_own_side() -> None:
    a = GenerationRequest(prompt="character1 dances in the rain", video_urls=URLS)
    b = GenerationRequest(
        prompt="character1 and character2 dance in the rain", video_urls=URLS,
        resolution=Resolution.HD,
    )  # fmt: skip
    left, right = take_sides(a, b)
    assert left.prompt is not None and right.prompt is not None
    assert [w for w, marked in left.prompt if marked] == ["dances"]
    assert [w for w, marked in right.prompt if marked] == ["and", "character2", "dance"]
    assert " ".join(w for w, _ in right.prompt) == b.prompt
    assert left.facts == ("1080p",) and right.facts == ("720p",)


def test_the_same_request_has_nothing_to_tell() -> None:
    a = GenerationRequest(prompt="character1 waves", video_urls=URLS, seed=1)
    assert take_sides(a, a)[0].facts == ()
    assert marked_words("", "") == ((), ())
