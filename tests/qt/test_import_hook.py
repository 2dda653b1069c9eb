"""PySide6's import hook reads the source of each module imported after Qt, unless the app
tells it not to (`desktop_app/qt/import_hook.py`): measured here as the module's lines in
Python's line cache, in a fresh interpreter each time. Should PySide6 stop reading
sources, the first test fails, and the workaround can go."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import linecache, sys
import PySide6.QtCore
sys.path.insert(0, {folder!r})
from desktop_app.qt.import_hook import skip_source_reading
told = skip_source_reading() if {told} else None
import creators_module
print(told, creators_module.__file__ in linecache.cache, creators_module.Counter().step())
"""

MODULE = """
from PySide6.QtCore import QObject, Signal


class Counter(QObject):
    stepped = Signal(int)

    def step(self) -> int:
        seen = []
        self.stepped.connect(seen.append)
        self.stepped.emit(3)
        return seen[0]
"""


def _import_after_qt(folder: Path, *, told: bool) -> str:
    (folder / "creators_module.py").write_text(MODULE)
    probe = PROBE.format(folder=str(folder), told=told)
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    return found.stdout.strip()


def test_left_alone_pysides_hook_reads_each_new_modules_source(tmp_path: Path) -> None:
    assert _import_after_qt(tmp_path, told=False) == "None True 3"


def test_told_it_reads_none_and_qt_works_as_before(tmp_path: Path) -> None:
    assert _import_after_qt(tmp_path, told=True) == "True False 3"
