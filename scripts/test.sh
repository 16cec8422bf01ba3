#!/usr/bin/env bash
# The test command (`npm test`): build, type-check, then mocha inside a private D-Bus session
# with an unlocked gnome-keyring, so keychain tests hit a real Secret Service. Tests of the
# no-keychain path start their children without D-Bus themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- "test/**/*.test.ts"

# Mocha's own timeouts can't fire if the process itself wedges (a deadlock in native code was
# seen once): bound the whole run so CI fails with a message instead of hanging.
run_mocha() {
  local rc=0
  timeout --kill-after=30 1800 npx mocha "$@" || rc=$?
  [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || echo "npm test: mocha ran over 30 minutes and was stopped (a test hung)" >&2
  exit "$rc"
}

npm run --silent build
npx oclif manifest >/dev/null
node scripts/gen-man.mjs
npx tsc -p test/tsconfig.json

if [ -n "${LLAMACTL_TEST_IN_DBUS:-}" ]; then
  # Inside dbus-run-session: start and unlock a throwaway keyring (its files in a temp HOME).
  export HOME="$(mktemp -d)"
  export XDG_DATA_HOME="$HOME/.local/share"
  mkdir -p "$XDG_DATA_HOME/keyrings"
  eval "$(echo -n pw | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  run_mocha "$@"
fi

if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  LLAMACTL_TEST_IN_DBUS=1 exec dbus-run-session -- bash "$0" "$@"
fi

echo "dbus-run-session or gnome-keyring-daemon missing: keychain tests will be skipped" >&2
run_mocha "$@"
