#!/usr/bin/env bash
# Sets up (see setup.sh; no root needed) and starts Wan Studio, in demo mode when no API
# key is stored. Extra arguments go to `wan-studio`.
set -euo pipefail
cd "$(dirname "$0")/../.."
WAN_STUDIO_SYSTEM_PACKAGES=${WAN_STUDIO_SYSTEM_PACKAGES:-no} bash packaging/dev/setup.sh
if [ $# -eq 0 ] && ! .venv/bin/wan-studio key status 2>/dev/null | grep -q "comes from\|is stored"; then
  echo "No API key stored: starting in demo mode (wan-studio key set stores one)."
  set -- --demo
fi
exec .venv/bin/wan-studio "$@"
