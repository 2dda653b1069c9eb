"""The window's first frame comes before the engine: importing what it needs (the entry
point, the first-frame composition root and the window with its parts) imports no HTTP
client, no keyring and no SQLite, nor asyncio and the loop's bridge, nor the reader of
package metadata (the version is in meta.py). A structural test,
not a timing one: the figures are the benchmark's (P1)."""

from __future__ import annotations

import subprocess
import sys

FIRST_FRAME = ("desktop_app.cli.main", "desktop_app.app", "desktop_app.ui.main_window")
ENGINE = (
    "httpx", "keyring", "sqlite3", "asyncio", "qasync", "desktop_app.runtime", "desktop_app.store",
    "importlib.metadata",
)  # fmt: skip


def test_the_first_frame_imports_nothing_of_the_engine() -> None:
    probe = (
        f"import sys\nimport {', '.join(FIRST_FRAME)}\n"
        f"print(' '.join(m for m in {ENGINE!r} if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert found.stdout.strip() == ""


def test_the_engine_half_does_import_them_but_not_httpx_s_command_line() -> None:
    """The probe above would see them: the engine half brings them in. httpx's own command
    line (click, rich and pygments, installed here by the development tools) it does not."""
    probe = (
        "import sys, desktop_app.window_engine\n"
        "print('httpx' in sys.modules, [m for m in ('click', 'rich', 'pygments') if m in "
        "sys.modules])"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert found.stdout.strip() == "True []"
