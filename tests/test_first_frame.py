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
    "httpx", "keyring", "sqlite3", "asyncio", "qasync", "desktop_app.runtime",
    "desktop_app.journal",
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


def test_the_engine_half_imports_httpx_but_neither_its_command_line_nor_keyring() -> None:
    """The probe above would see httpx: the engine half brings it in. httpx's own command
    line (click, rich and pygments, installed here by the development tools) it does not,
    nor keyring, which is imported when a keyring is first asked (never with AIMLAPI_KEY
    set); tests/secrets ask a real one."""
    probe = (
        "import sys, desktop_app.window_engine\n"
        "print('httpx' in sys.modules, [m for m in ('click', 'rich', 'pygments', 'keyring') "
        "if m in sys.modules])"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert found.stdout.strip() == "True []"
