"""What the composer says about a prompt's character tags and length."""

from __future__ import annotations

from desktop_app.domain.prompt import mentioned_slots, prompt_notes


def test_tags_are_found_as_whole_words() -> None:
    assert mentioned_slots(
        "character1 hugs character3; character12 and xcharacter2 are not tags"
    ) == {1, 3}


def test_empty_slot_and_unmentioned_reference_are_warned() -> None:
    notes = prompt_notes("character1 waves at character2", filled_slots=1)
    assert notes == ("character2 is mentioned, but reference slot 2 is empty.",)
    notes = prompt_notes("character1 waves", filled_slots=2)
    assert notes == ("Reference 2 is never mentioned: write character2 in the prompt.",)
    assert prompt_notes("character4 runs", filled_slots=0)[0].startswith(
        "character4: there are at most 3"
    )


def test_long_prompt_note_between_800_and_1500() -> None:
    assert prompt_notes("character1 " + "a" * 800, 1)[-1].startswith("The prompt is over 800")
    assert prompt_notes("character1 " + "a" * 700, 1) == ()
