"""The log file never holds the API key, whatever a record carries."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.logs import REDACTED, configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_key_is_redacted_from_messages_arguments_and_tracebacks(
    tmp_path: Path, restore_logging: None
) -> None:
    log_file = tmp_path / "logs" / "wan-studio.log"
    redactor = configure_logging(log_file, verbose=False)
    redactor.add("sk-live-123456")
    log = logging.getLogger("test")
    log.info("header was Bearer %s", "sk-live-123456")
    try:
        raise RuntimeError("failed with key sk-live-123456")
    except RuntimeError:
        log.exception("request failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text()
    assert "sk-live-123456" not in text
    assert f"header was Bearer {REDACTED}" in text
    assert f"failed with key {REDACTED}" in text
