"""Media time as the player shows it."""

FRAME_MS = 40
"""One frame at 25 fps; the service renders 24-30 fps."""


def clock(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"
