#!/usr/bin/env bash
# The test command (`npm test`): check the machine, build, type-check, then mocha inside a
# private D-Bus session with an unlocked gnome-keyring, so keychain tests hit a real Secret
# Service. Tests of the no-keychain path start their children without D-Bus themselves.
set -euo pipefail
# No dirname: the preflight below must run on a PATH that lacks everything but bash.
here="$0"
[[ $here == */* ]] || here="./$here"
cd "${here%/*}/.."
[ $# -gt 0 ] || set -- "test/**/*.test.ts"
# A supported Node first on PATH (fetched once into .node/ where the machine's is older, or the
# line LLAMACTL_NODE_LINE names: CI runs the suite on 22 and on 26).
# shellcheck source=use-node.sh
source scripts/use-node.sh

# What the tests run, and the Debian/Ubuntu package that has it. Checked before anything else
# (bash builtins only), so a machine that lacks one stops at once with the line that fixes it
# instead of failing half-way through a run. .ci/run installs all of them; keep the two in step.
NEEDED_COMMANDS=(
  dbus-run-session:dbus dbus-send:dbus gnome-keyring-daemon:gnome-keyring
  groff:groff man:man-db openssl:openssl chromium:chromium script:bsdutils zsh:zsh fish:fish
)
# keytar's native build, needed when keytar isn't built (then `npm ci` builds it).
KEYTAR_BUILD_PACKAGES="libsecret-1-dev pkg-config g++ make python3"

preflight() {
  if [ ! -d node_modules ]; then
    echo "npm test: no node_modules here; installing them (npm ci)" >&2
    LLAMACTL_SKIP_PREPARE=1 npm ci --no-audit --no-fund
  fi
  local missing=() packages=() entry
  for entry in "${NEEDED_COMMANDS[@]}"; do
    command -v "${entry%%:*}" >/dev/null && continue
    missing+=("${entry%%:*}")
    [[ " ${packages[*]} " == *" ${entry#*:} "* ]] || packages+=("${entry#*:}")
  done
  local then=""
  if ! node -e "require('keytar')" >/dev/null 2>&1; then
    missing+=("keytar (the keychain's native module, not built)")
    packages+=($KEYTAR_BUILD_PACKAGES)
    then=", then npm ci"
  fi
  [ ${#missing[@]} -eq 0 ] && return
  local lacks
  printf -v lacks '%s, ' "${missing[@]}"
  echo "npm test: this machine lacks ${lacks%, }. Install them (as root): apt-get install -y --no-install-recommends ${packages[*]}$then" >&2
  exit 1
}

# Mocha's own timeouts can't fire if the process itself wedges (a deadlock in native code was
# seen once): bound the whole run so CI fails with a message instead of hanging.
run_mocha() {
  local rc=0
  timeout --kill-after=30 1800 npx mocha "$@" || rc=$?
  [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || echo "npm test: mocha ran over 30 minutes and was stopped (a test hung)" >&2
  exit "$rc"
}

if [ -n "${LLAMACTL_TEST_IN_DBUS:-}" ]; then
  # Inside dbus-run-session: start and unlock a throwaway keyring (its files in a temp HOME).
  export HOME="$(mktemp -d)"
  export XDG_DATA_HOME="$HOME/.local/share"
  mkdir -p "$XDG_DATA_HOME/keyrings"
  eval "$(echo -n pw | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  run_mocha "$@"
fi

preflight
# Each step says what it does: the first ones print nothing of their own for a while.
echo "npm test: Node $(node --version); building (tsc to dist/, oclif.manifest.json, man pages)"
npm run --silent build
# The oclif tool's own update check would print "oclif update available" in the test log.
OCLIF_SKIP_NEW_VERSION_CHECK=true npx oclif manifest >/dev/null
node scripts/gen-man.mjs
echo "npm test: type-checking the tests"
node node_modules/typescript7/bin/tsc -p test/tsconfig.json
echo "npm test: mocha, in a private D-Bus session with an unlocked gnome-keyring"
# The daemon through scripts/session-bus-daemon.sh, so a root run in a container doesn't log a harmless fd-limit warning.
LLAMACTL_TEST_IN_DBUS=1 exec dbus-run-session --dbus-daemon="$PWD/scripts/session-bus-daemon.sh" -- bash "$0" "$@"
