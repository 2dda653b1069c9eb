"""The S3 client (obstore, with a runtime that outlives the interpreter's own) is loaded
only by a process that uploads or checks a clip: the command line and the window start
without it."""

from __future__ import annotations

import subprocess
import sys


def test_the_app_starts_without_the_s3_client() -> None:
    probe = "import sys, desktop_app.cli.main, desktop_app.app; print('obstore' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "False"
