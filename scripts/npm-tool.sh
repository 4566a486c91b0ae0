# Sourced by scripts that need a program from npm (not run on its own). Needs the caller's `log` and `die`.
#
#   install_npm_tool PACKAGE@VERSION DIR BIN   install into DIR unless BIN (a path under DIR) is already there
install_npm_tool() {
  local spec="$1" dir="$2" bin="$3"
  [[ -x "$bin" ]] && return 0
  command -v npm >/dev/null || die "npm is required to install $spec"
  mkdir -p "$dir"
  # Two test runs starting at once must not run npm install into the same folder together.
  (
    flock 9
    if [[ ! -x "$bin" ]]; then
      log "installing $spec into ${dir#"$ROOT/"} (once)"
      npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$spec" >&2 </dev/null
    fi
  ) 9>"$dir.lock"
  [[ -x "$bin" ]] || die "$bin not found after npm install of $spec"
}
