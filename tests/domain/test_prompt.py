"""What the composer says about a prompt's character tags and length."""

from __future__ import annotations

from desktop_app.domain.models import WAN_27
from desktop_app.domain.prompt import (
    IMAGE,
    VIDEO,
    mentioned_slots,
    prompt_notes,
    slot_names,
)


def test_tags_are_found_as_whole_words() -> None:
    assert mentioned_slots(
        "character1 hugs character3; character12 and xcharacter2 are not tags"
    ) == {1, 3}


def test_empty_slot_and_unmentioned_reference_are_warned() -> None:
    notes = prompt_notes("character1 waves at character2", ["character1"])
    assert notes == ("character2 is mentioned, but reference slot 2 is empty.",)
    notes = prompt_notes("character1 waves", ["character1", "character2"])
    assert notes == ("Reference 2 is never mentioned: write character2 in the prompt.",)
    assert prompt_notes("character4 runs", [])[0].startswith(
        "character4: there are at most 3 reference slots"
    )


def test_long_prompt_note_between_800_and_1500() -> None:
    assert prompt_notes("character1 " + "a" * 800, ["character1"])[-1].startswith(
        "The prompt is over 800"
    )
    assert prompt_notes("character1 " + "a" * 700, ["character1"]) == ()


def test_wan_27_names_references_per_kind() -> None:
    names = slot_names(WAN_27, [IMAGE, VIDEO, IMAGE])
    assert names == ["Image 1", "Video 1", "Image 2"]
    notes = prompt_notes("Image 1 hands Video 2 a cup; Image 6 watches", names, WAN_27)
    assert notes == (
        "Video 2 is mentioned, but there is no such reference.",
        "Image 6: there are at most 5 reference slots of its kind.",
    )
    # Plain words are fine for 2.7 (the provider's own example uses them), and its prompt
    # may be long: no note about unnamed references or 800 characters.
    assert prompt_notes("a cat " * 300, names, WAN_27) == ()
