"""PySide6's import hook, told not to read every module's source.

Importing PySide6 replaces Python's `__import__` with its own, for `from __feature__ import
snake_case` (a per-module choice of Qt's names). After every later import it asks whether
the new module uses PySide6 by reading the module's whole source through `inspect` and
looking for the word: for the window's ~350 modules imported after Qt, ~30 ms of its start
and ~10 MiB of source lines kept in Python's line cache (the same cost napari measured,
napari/napari#8584). Its answer only chooses the module's default feature set; no module
of this app, and none it imports, selects a feature, so every module's answer is "no
feature" (0), which is what the hook gives a module that uses PySide6.

The function replaced is PySide6's own (`shibokensupport.feature._mod_uses_pyside`, the
same in 6.8 to 6.11, which pyproject allows). Should a later PySide6 drop it, nothing is
replaced and its hook reads sources again: only slower (`tests/qt/test_import_hook.py` says
so)."""

from __future__ import annotations

import sys


def skip_source_reading() -> bool:
    """Load PySide6 and give its import hook the answer without the source; True when the
    hook was found and told."""
    import PySide6.QtCore  # noqa: F401 (installs the hook)

    feature = sys.modules.get("shibokensupport.feature")
    names = vars(feature) if feature is not None else {}
    if not callable(names.get("_mod_uses_pyside")):
        return False
    names["_mod_uses_pyside"] = _no_source_read  # the hook looks it up at each import
    return True


def _no_source_read(module: object) -> bool:
    return True  # the default feature set, 0: what a module that uses PySide6 gets
