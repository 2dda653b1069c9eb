"""The TLS context built ahead on a thread trusts what httpx trusts by default, honours
SSL_CERT_FILE, and tells a failure where the context is asked for."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import certifi
import httpx
import pytest

from desktop_app.api.tls import TlsAhead, new_tls_context


def _trusted(context: ssl.SSLContext) -> list[object]:
    return sorted(str(ca["subject"]) for ca in context.get_ca_certs())


def test_built_ahead_it_trusts_what_httpx_trusts() -> None:
    made = TlsAhead(os.environ).result()
    assert made.verify_mode is ssl.CERT_REQUIRED and made.check_hostname
    assert _trusted(made) == _trusted(httpx.create_ssl_context())
    assert _trusted(new_tls_context(os.environ)) == _trusted(made)
    certifis = TlsAhead({}).result()  # no SSL_CERT_FILE or SSL_CERT_DIR: certifi's bundle
    assert len(_trusted(certifis)) > 100
    assert _trusted(certifis) == _trusted(httpx.create_ssl_context(trust_env=False))


def test_ssl_cert_file_chooses_the_certificates(tmp_path: Path) -> None:
    bundle = Path(certifi.where()).read_text()
    end = "-----END CERTIFICATE-----"
    one = tmp_path / "one.pem"
    one.write_text(bundle[: bundle.index(end) + len(end)] + "\n")
    made = TlsAhead({"SSL_CERT_FILE": str(one)}).result()
    assert len(made.get_ca_certs()) == 1


def test_a_failure_is_told_where_the_context_is_asked_for(tmp_path: Path) -> None:
    ahead = TlsAhead({"SSL_CERT_FILE": str(tmp_path / "missing.pem")})
    with pytest.raises(FileNotFoundError):
        ahead.result()
