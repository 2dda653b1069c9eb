"""The TLS context the app's HTTPS clients share, and building it ahead on a thread.

Reading the CA bundle into OpenSSL takes ~25-40 ms, and OpenSSL does it without the
interpreter lock: the window starts it on a thread of its own right after its first frame
(`TlsAhead`), where it overlaps the engine's imports instead of following them. The
certificates are the ones httpx trusts by default (`verify=True`), as the tests check."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl  # the first frame loads no TLS library


def trust_source(environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """Where the certificates come from, (file, folder): SSL_CERT_FILE, else SSL_CERT_DIR,
    else certifi's bundle (httpx's order)."""
    if environ.get("SSL_CERT_FILE"):
        return environ["SSL_CERT_FILE"], None
    if environ.get("SSL_CERT_DIR"):
        return None, environ["SSL_CERT_DIR"]
    import certifi

    return certifi.where(), None


def new_tls_context(environ: Mapping[str, str]) -> ssl.SSLContext:
    import ssl

    cafile, capath = trust_source(environ)
    return ssl.create_default_context(cafile=cafile, capath=capath)


class TlsAhead:
    """Builds the context on a thread from the moment it is made; `result` waits for it
    (only when asked before it is done) and raises what building it raised."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        import ssl  # here, not on the thread: it does nothing but OpenSSL's own work

        cafile, capath = trust_source(environ)
        self._context: ssl.SSLContext | None = None
        self._error: Exception | None = None

        def build() -> None:
            try:
                self._context = ssl.create_default_context(cafile=cafile, capath=capath)
            except Exception as error:  # told where the context is asked for
                self._error = error

        self._thread = threading.Thread(target=build, name="TLS context", daemon=True)
        self._thread.start()

    def result(self) -> ssl.SSLContext:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._context is not None
        return self._context
