"""The characters a creator keeps, in the journal's `characters` table (migration 9): a
part of `JobJournal`, which writes them in its own transactions."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace

from desktop_app.domain.character import Character
from desktop_app.domain.errors import InvalidInputError


class CharacterShelf(ABC):
    """Kept, found (whatever the case of the name), renamed and forgotten characters. The
    journal gives it its connection, its clock and its write transactions."""

    _db: sqlite3.Connection
    _clock: Callable[[], float]

    @abstractmethod
    def _transaction(self, *, synced: bool = True) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction (the journal's)."""

    def characters(self) -> list[Character]:
        rows = self._db.execute(
            "SELECT name, note, takes_json, thumbnail_png FROM characters"
            " ORDER BY name COLLATE NOCASE"
        ).fetchall()
        return [_character(row) for row in rows]

    def character(self, name: str) -> Character | None:
        row = self._db.execute(
            "SELECT name, note, takes_json, thumbnail_png FROM characters WHERE name = ?", (name,)
        ).fetchone()
        return _character(row) if row else None

    def keep_character(self, character: Character) -> None:
        """Add it, or replace the one of that name (InvalidInputError when it breaks a
        rule: nothing is written)."""
        problems = character.problems()
        if problems:
            raise InvalidInputError("; ".join(problems))
        now = self._clock()
        row = (character.name, character.note, character.takes_json(), character.thumbnail_png)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO characters"
                " (name, note, takes_json, thumbnail_png, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                " name = excluded.name, note = excluded.note, takes_json = excluded.takes_json,"
                " thumbnail_png = excluded.thumbnail_png, updated_at = excluded.updated_at",
                (*row, now, now),
            )

    def rename_character(self, old: str, new: str) -> bool:
        """False when there is no `old`; InvalidInputError when `new` is taken or breaks
        the name's rule."""
        found = self.character(old)
        if found is None:
            return False
        renamed = replace(found, name=new)
        problems = renamed.problems()
        taken = self.character(new)
        if taken is not None and taken.name.lower() != old.lower():
            problems.append(f"name: {new!r} is taken by another character")
        if problems:
            raise InvalidInputError("; ".join(problems))
        with self._transaction() as db:
            db.execute("UPDATE characters SET name = ?, updated_at = ? WHERE name = ?",
                       (new, self._clock(), old))  # fmt: skip
        return True

    def merge_characters(self, into: str, other: str) -> Character:
        """`other`'s takes join `into`'s, and `other` is forgotten, in one transaction
        (InvalidInputError when either is missing or they are one). Returns the merged."""
        kept, merged_in = self.character(into), self.character(other)
        if kept is None or merged_in is None:
            missing = into if kept is None else other
            raise InvalidInputError(f"name: there is no character {missing[:60]!r}")
        if kept.name.lower() == merged_in.name.lower():
            raise InvalidInputError("name: a character cannot be merged into itself")
        merged = kept.merged(merged_in)
        with self._transaction() as db:
            db.execute("UPDATE characters SET note = ?, takes_json = ?, thumbnail_png = ?,"
                       " updated_at = ? WHERE name = ?",
                       (merged.note, merged.takes_json(), merged.thumbnail_png, self._clock(),
                        kept.name))  # fmt: skip
            db.execute("DELETE FROM characters WHERE name = ?", (merged_in.name,))
        return merged

    def forget_character(self, name: str) -> bool:
        """False when there was none. Jobs that used it keep their requests."""
        with self._transaction() as db:
            return db.execute("DELETE FROM characters WHERE name = ?", (name,)).rowcount > 0


def _character(row: sqlite3.Row) -> Character:
    return Character.from_row(row["name"], row["note"], row["takes_json"], row["thumbnail_png"])
