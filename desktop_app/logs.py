"""Logging set-up: a rotating file in the log folder, the API key redacted from every record."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from desktop_app.files import private_dir, private_file

REDACTED = "[redacted]"
_SIGNED_QUERY = re.compile(
    r"(?i)([?&](?:signature|expires|ossaccesskeyid|x-amz-[a-z-]{1,40}|token|sig|key)=)"
    r"[^&\s\"'<>]{0,4096}"
)
"""The parts of a signed result link that let anyone download the clip."""


_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")
"""A bearer token, as a service that echoes a request's headers would show it."""


def unsigned(text: str) -> str:
    """`text` with the signatures of signed links and bearer tokens taken out."""
    text = _SIGNED_QUERY.sub(lambda m: m.group(1) + REDACTED, text)
    return _BEARER.sub(lambda m: m.group(1) + REDACTED, text)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files only the user can read (they hold prompts and links)."""

    def doRollover(self) -> None:
        super().doRollover()
        private_file(Path(self.baseFilename))


class SecretRedactor(logging.Filter):
    """Replaces each registered secret, and the signature of every signed link, in a
    record's final text."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add(self, secret: str) -> None:
        if secret:
            self._secrets.add(secret)

    def redact(self, text: str) -> str:
        """`text` with every registered secret, bearer token and link signature taken out:
        what comes from outside passes here before it is journaled or shown."""
        text = unsigned(text)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.redact(record.getMessage()), None
        record.exc_text = self.redact(record.exc_text or "") or None
        return True


def configure_logging(log_file: Path, *, verbose: bool) -> SecretRedactor:
    """Log to a rotating file (and to stderr with `verbose`). Returns the redactor, to which
    the key is added as soon as it is known."""
    redactor = SecretRedactor()
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    private_dir(log_file.parent)
    private_file(log_file)
    file_handler = PrivateRotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    file_handler.setLevel(logging.DEBUG if verbose else logging.INFO)
    file_handler.addFilter(redactor)
    root.addHandler(file_handler)
    if verbose:
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        console.addFilter(redactor)
        root.addHandler(console)
    # httpx logs every request line at INFO; keep it to debug runs.
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.INFO)
    return redactor
