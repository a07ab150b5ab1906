#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing. Playwright's own browser
# downloads cannot be fetched here; the tests use /usr/bin/chromium.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
  /usr/bin/chromium --version
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "Chromium is missing: run 'sudo apt-get install -y chromium' (Debian) and try again." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
