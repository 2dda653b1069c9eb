"""The key in a real Secret Service (gnome-keyring under a private D-Bus session), and
the clear message when no keyring backend works."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backends import fail

from desktop_app.api.secret import ApiKey
from desktop_app.secrets.keystore import KeyringUnavailableError, KeySource, KeyStore
from desktop_app.simulator import Simulator
from tests.conftest import TEST_KEY

# In CI the README test command installs both, so there a missing one is a failure.
needs_secret_service = pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))
    and not os.environ.get("CI"),
    reason="needs dbus-run-session and gnome-keyring-daemon "
    "(the README test command installs both)",
)


def test_environment_overrides_and_key_is_never_shown() -> None:
    store = KeyStore(backend=fail.Keyring(), environ={"AIMLAPI_KEY": " sk-env-0123 "})
    key = store.get()
    assert key == ApiKey("sk-env-0123")
    assert "sk-env-0123" not in repr(key) and "sk-env-0123" not in str(key)
    status = store.status()
    assert status.source is KeySource.ENVIRONMENT
    assert "environment variable" in status.describe()


def test_no_keyring_backend_gives_a_clear_message() -> None:
    store = KeyStore(backend=fail.Keyring(), environ={})
    with pytest.raises(KeyringUnavailableError) as raised:
        store.set(ApiKey("sk-x-0123456"))
    text = str(raised.value)
    assert "gnome-keyring" in text and "AIMLAPI_KEY" in text
    assert store.status().source is KeySource.NONE


@needs_secret_service
def test_round_trip_in_a_real_secret_service(tmp_path: Path, sim: Simulator) -> None:
    """`key set` stores into gnome-keyring, `generate` uses it, `key clear` removes it."""
    wan = f"{sys.executable} -m desktop_app --home {tmp_path / 'home'}"
    script = f"""
set -e
echo -n pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null
echo {TEST_KEY} | {wan} key set
{wan} key status
{wan} --base-url {sim.base_url} --poll-interval 0.2 generate --prompt "character1 waves" \
    --ref https://example.com/a.mp4 --wait >/dev/null
{sys.executable} -c "import keyring; print(type(keyring.get_keyring()).__module__)"
{wan} key clear
{wan} key status
"""
    env = {
        k: v for k, v in os.environ.items() if k not in ("AIMLAPI_KEY", "PYTHON_KEYRING_BACKEND")
    }
    env.update(XDG_DATA_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path))
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "The API key is stored in the system keyring." in lines
    assert "keyring.backends.SecretService" in lines
    assert "The stored API key was removed." in lines
    assert lines[-3] == "No API key is set."
    assert "wan-studio key set" in lines[-2]
    assert lines[-1] == "The key is sent only to the API at https://api.aimlapi.com."
    post = next(r for r in sim.requests if r.method == "POST")
    assert post.headers["authorization"] == f"Bearer {TEST_KEY}"
    for path in (tmp_path / "home").rglob("*"):
        if path.is_file():
            assert TEST_KEY.encode() not in path.read_bytes(), path
