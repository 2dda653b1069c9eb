"""CharacterKeeping: where a character comes from in the window (the selected reference, a
job's reference, a frame of the player), with its name asked of the creator and its
picture made off the GUI thread when it must be read from a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDockWidget, QInputDialog, QWidget

from desktop_app.domain.character import Take
from desktop_app.domain.prompt import IMAGE
from desktop_app.domain.references import local_path
from desktop_app.ui.character_panel import CharacterPanel
from desktop_app.ui.reference_list import ReferenceList

if TYPE_CHECKING:
    from desktop_app.tasks import TaskGroup  # asyncio: the engine's, after the first frame

Ask = Callable[[], str | None]


class CharacterKeeping:
    def __init__(
        self,
        parent: QWidget,
        panel: CharacterPanel,
        dock: QDockWidget,
        references: ReferenceList,
        tasks: TaskGroup,
    ) -> None:
        self._parent = parent
        self._panel = panel
        self._dock = dock
        self._references = references
        self._tasks = tasks

    def from_selected_reference(self, ask: Ask | None = None) -> None:
        """The selected reference rows, with the first one's thumbnail."""
        references = self._references
        rows = sorted(references.list.row(i) for i in references.list.selectedItems())
        kinds, links = references.kinds(), references.links()
        takes = [Take(kinds[row], links[row]) for row in rows]
        picture = references.checks.thumbnail(links[rows[0]]) if rows else None
        self._panel.ask_and_keep(takes, ask or self._ask_name, picture)
        self._show_panel()

    def from_still(self, url: str, picture: QImage, ask: Ask | None = None) -> None:
        """A frame of the player, saved as a still."""
        self._panel.ask_and_keep([Take(IMAGE, url)], ask or self._ask_name, picture)
        self._show_panel()

    def from_take(self, take: Take, ask: Ask | None = None) -> None:
        """One reference of a job; a file on this computer gets its picture once it is
        read (off the GUI thread)."""
        name = (ask or self._ask_name)()
        if not name or not self._panel.keep(name, [take]):
            return
        self._show_panel()
        path = local_path(take.ref)
        if path is not None:
            self._tasks.spawn(self._picture_for(name.strip(), path))

    async def _picture_for(self, name: str, path: Path) -> None:
        import asyncio  # the engine's: after the first frame

        from desktop_app.uploads.thumbnail import thumbnail_png

        picture = await asyncio.to_thread(thumbnail_png, path)
        if picture is not None:
            self._panel.set_picture(name, picture)

    def _show_panel(self) -> None:
        if self._panel.list.count():
            self._dock.setVisible(True)

    def _ask_name(self) -> str | None:
        name, ok = QInputDialog.getText(self._parent, "Keep as a character", "Name")
        return name if ok else None
