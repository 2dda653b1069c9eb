"""Characters kept in the journal: kept, listed, renamed, forgotten; the jobs that used
one never change."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.domain.character import Character, Take
from desktop_app.domain.errors import InvalidInputError
from desktop_app.domain.prompt import IMAGE, VIDEO
from desktop_app.domain.request import GenerationRequest
from desktop_app.journal.job_journal import JobJournal

MIA = Character("Mia", (Take(VIDEO, "file:///clips/mia.mp4"), Take(IMAGE, "https://e.com/m.png")),
                "a presenter in a red coat")  # fmt: skip


def test_characters_are_kept_renamed_and_forgotten(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "journal.sqlite3")
    try:
        journal.keep_character(MIA)
        journal.keep_character(Character("Rex", (Take(VIDEO, "https://e.com/rex.mp4"),)))
        assert [c.name for c in journal.characters()] == ["Mia", "Rex"]
        assert journal.character("mia") == MIA  # names are found whatever their case
        assert MIA.clips() == ("file:///clips/mia.mp4",) and MIA.stills() == (
            "https://e.com/m.png",
        )
        job = journal.create(GenerationRequest(prompt="character1 waves",
                                               video_urls=MIA.clips()))  # fmt: skip
        with pytest.raises(InvalidInputError, match="'Rex' is taken by another character"):
            journal.rename_character("Mia", "Rex")
        assert journal.rename_character("Mia", "Mia Rossi")
        assert journal.character("Mia") is None and journal.character("Mia Rossi") is not None
        assert journal.forget_character("Mia Rossi")
        assert not journal.forget_character("Mia Rossi")
        assert journal.get(job.id).request.video_urls == MIA.clips()  # the job is history
    finally:
        journal.close()


def test_a_character_that_breaks_a_rule_is_not_kept(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "journal.sqlite3")
    try:
        with pytest.raises(InvalidInputError) as refused:
            journal.keep_character(Character("M\nia", ()))
        assert "name: 'M\\nia' must be 1 to 40 letters" in str(refused.value)
        assert "takes: a character needs at least one clip or still" in str(refused.value)
        assert journal.characters() == []
    finally:
        journal.close()


def test_two_characters_merge_in_one_transaction(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "journal.sqlite3")
    rex = Character("Rex", (Take(VIDEO, "https://e.com/rex.mp4"),))
    takes = (Take(VIDEO, "https://e.com/beach.mp4"), Take(VIDEO, "https://e.com/rex.mp4"))
    beach = Character("Rex at the beach", takes, "wet")
    try:
        journal.keep_character(rex)
        journal.keep_character(beach)
        merged = journal.merge_characters("rex", "Rex at the beach")
        assert merged.takes == (rex.takes[0], beach.takes[0])  # each take once, Rex's first
        assert merged.note == "wet"  # Rex had none
        assert journal.characters() == [merged]
        with pytest.raises(InvalidInputError, match="no character 'Rex at the beach'"):
            journal.merge_characters("Rex", "Rex at the beach")
        with pytest.raises(InvalidInputError, match="into itself"):
            journal.merge_characters("Rex", "REX")
        assert journal.characters() == [merged]
    finally:
        journal.close()
