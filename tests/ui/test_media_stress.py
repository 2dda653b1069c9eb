"""The window never freezes while a clip plays with sound (issue #25): a minute of the
stress that froze 0.3 (tests/ui/media_stress.py) in a process of its own, on a real audio
device (the run's PulseAudio null sink), ends by itself with its counts."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

STRESS_S = 60


@pytest.mark.timeout(STRESS_S + 120)
def test_a_minute_of_players_widgets_and_connections_while_a_clip_plays() -> None:
    if "PULSE_SERVER" not in os.environ:
        pytest.skip("needs PulseAudio for a real audio device (CI has it)")
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.media_stress", "--seconds", str(STRESS_S)],
        capture_output=True,
        text=True,
        timeout=STRESS_S + 90,
    )
    assert done.returncode == 0, done.stderr[-6000:]
    counts = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", done.stdout)}
    assert "device='Null Output'" in done.stdout
    assert counts["players"] >= STRESS_S * 3  # a player started and closed every ~150 ms
    assert counts["audio_threads_seen"] >= counts["players"] * 0.9  # with sound, really
    assert counts["widgets"] >= 10_000 and counts["connections"] >= 20_000
