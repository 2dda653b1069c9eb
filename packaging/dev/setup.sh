#!/usr/bin/env bash
# Sets up a development checkout: the system packages the tests need (when run as root
# with apt, as on CI), then a virtual environment in .venv with the project installed.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

# libpulse0: QtMultimedia loads it. xvfb, xauth, libxcb-*: a real X window in tests.
# dbus, gnome-keyring: a real Secret Service in tests. curl: the download benchmark's baseline.
# dunst, libnotify-bin: a real notification daemon. openbox, xdotool: a window manager and
# real mouse clicks for the tests of the window as a person uses it. pulseaudio: a null sink,
# so that clips play their sound through Qt's audio thread in tests. time: GNU time, which
# starts the benchmark's measured processes from a small parent (their peak memory alone).
SYSTEM_PACKAGES=(libpulse0 libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 xvfb xauth dbus gnome-keyring
  curl dunst libnotify-bin openbox xdotool pulseaudio time)
want_system=${WAN_STUDIO_SYSTEM_PACKAGES:-auto}

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ] && [ "$want_system" != "no" ] && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif [ "$want_system" = "yes" ]; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "Note: system packages missing (${missing[*]}); some tests need them." >&2
    echo "      Install them with: sudo apt-get install ${missing[*]}" >&2
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
# Install (again) only when the project's requirements changed since the last time.
stamp=.venv/.wan-studio-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi
