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

# shellcheck source=scripts/npm-tool.sh
source "$ROOT/scripts/npm-tool.sh"

install_npm_tool "@redocly/cli@$REDOCLY_VERSION" "$TOOLS" "$BIN"
(cd "$ROOT" && dotnet tool restore >&2 </dev/null) || die "dotnet tool restore failed (.config/dotnet-tools.json)"
