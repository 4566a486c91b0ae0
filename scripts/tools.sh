#!/usr/bin/env bash
# Installs, once, the tools the tests run besides .NET itself:
#   - Redocly CLI (npm @redocly/cli) into .tools/redocly: lints the served OpenAPI document (.config/redocly.yaml);
#   - the dotnet tools of .config/dotnet-tools.json: Kiota, which generates a C# client from that document.
# scripts/test.sh runs it; run it yourself before `dotnet test tests/TransitGrains.Api.Tests` on a fresh clone.
set -euo pipefail

REDOCLY_VERSION=2.77.0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools/redocly"
BIN="$TOOLS/node_modules/.bin/redocly"

log() { echo "tools.sh: $*" >&2; }
die() { log "$*"; exit 1; }

install_redocly() {
  [[ -x "$BIN" ]] && return 0
  command -v npm >/dev/null || die "npm is required to install @redocly/cli"
  mkdir -p "$TOOLS"
  # Two test runs starting at once must not run npm install into the same folder together.
  (
    flock 9
    if [[ ! -x "$BIN" ]]; then
      log "installing @redocly/cli@$REDOCLY_VERSION into .tools/redocly (once)"
      npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "@redocly/cli@$REDOCLY_VERSION" >&2 </dev/null
    fi
  ) 9>"$TOOLS.lock"
  [[ -x "$BIN" ]] || die "redocly not found after npm install"
}

install_redocly
(cd "$ROOT" && dotnet tool restore >&2 </dev/null) || die "dotnet tool restore failed (.config/dotnet-tools.json)"
