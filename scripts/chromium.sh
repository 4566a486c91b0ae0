#!/usr/bin/env bash
# Debian's chromium for the forwarder page's browser tests (tests/TransitGrains.Page.Tests drive it through Playwright's
# ExecutablePath; Playwright's own browser download is not used), installed with apt-get when missing, with a font for
# the page's Chinese. scripts/test.sh runs it.
set -euo pipefail

log() { echo "chromium.sh: $*" >&2; }

if [[ -x /usr/bin/chromium ]] && fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto.*cjk'; then
  exit 0
fi
[[ "$(id -u)" -eq 0 ]] || { log "chromium is not installed and installing it needs root: apt-get install chromium fonts-wqy-zenhei"; exit 1; }
log "installing chromium with apt-get (once per machine)"
export DEBIAN_FRONTEND=noninteractive
apt-get update >&2 </dev/null
apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei >&2 </dev/null
[[ -x /usr/bin/chromium ]] || { log "/usr/bin/chromium not found after installing chromium"; exit 1; }
