#!/usr/bin/env bash
# The test command. Three lanes (CONTRIBUTING.md, "Run the tests"), named by the test files:
#   unit     test/**/*.test.ts but the two below: in the test process, on src/ (no build), parallel
#   e2e      test/**/*.e2e.test.ts: the built CLI as a process (exit codes, streams, ptys, shells)
#   install  test/**/*.install.test.ts: pack, plugins install, npm registry, chromium, bare machine
# Usage: scripts/test.sh [unit|e2e|install] [mocha arguments or test files...]
#   no lane and no files: all three lanes (`npm test`, what .ci/run runs)
#   files: the lanes of those files (a unit file alone builds nothing); the rest goes to mocha
# It checks the machine for what those lanes need, builds only for e2e and install, then runs
# mocha inside a private D-Bus session with an unlocked gnome-keyring, so keychain tests hit a
# real Secret Service. Tests of the no-keychain path start their children without D-Bus themselves.
set -euo pipefail
# No dirname: the preflight below must run on a PATH that lacks everything but bash.
here="$0"
[[ $here == */* ]] || here="./$here"
cd "${here%/*}/.."
# A supported Node first on PATH (fetched once into .node/ where the machine's is older, or the
# line LLAMACTL_NODE_LINE names: CI runs the suite on 22 and on 26).
# shellcheck source=use-node.sh
source scripts/use-node.sh

UNIT_SPEC="test/**/*.test.ts"
E2E_SPEC="test/**/*.e2e.test.ts"
INSTALL_SPEC="test/**/*.install.test.ts"

# What each lane's tests run, and the Debian/Ubuntu package that has it. Checked before anything
# else (bash builtins only), so a machine that lacks one stops at once with the line that fixes it
# instead of failing half-way through a run. .ci/run installs all of them; keep the two in step.
# unit: the real keychain (and locking it), TLS certificates, the Python sqlite and dotenv
# readers, and the shells that read back a written .env or completion function.
UNIT_COMMANDS=(dbus-run-session:dbus dbus-send:dbus gnome-keyring-daemon:gnome-keyring openssl:openssl python3:python3 zsh:zsh)
# e2e: man pages, prompts in a pseudo-terminal (script), completion in each real shell.
E2E_COMMANDS=(groff:groff man:man-db script:bsdutils fish:fish)
# install: the browser login in a real browser.
INSTALL_COMMANDS=(chromium:chromium)
# keytar's native build, needed when keytar isn't built (then `npm ci` builds it).
KEYTAR_BUILD_PACKAGES="libsecret-1-dev pkg-config g++ make python3"

# The lanes to run, from the arguments: a lane name first, else the lanes of the test files
# given, else all three. Sets LANES and drops the lane name from the arguments (ARGS).
choose_lanes() {
  LANES=()
  ARGS=("$@")
  case "${1:-}" in
    unit | e2e | install)
      LANES=("$1")
      ARGS=("${@:2}")
      return
      ;;
  esac
  local arg lane
  for arg in "$@"; do
    [[ $arg == *.ts ]] || continue
    case "$arg" in
      *.install.test.ts) lane=install ;;
      *.e2e.test.ts) lane=e2e ;;
      *) lane=unit ;;
    esac
    [[ " ${LANES[*]} " == *" $lane "* ]] || LANES+=("$lane")
  done
  [ ${#LANES[@]} -gt 0 ] || LANES=(unit e2e install)
}

has_lane() {
  [[ " ${LANES[*]} " == *" $1 "* ]]
}

# What the lanes in LANES need; stops with one line when something is missing.
preflight() {
  if [ ! -d node_modules ]; then
    echo "npm test: no node_modules here; installing them (npm ci)" >&2
    LLAMACTL_SKIP_PREPARE=1 npm ci --no-audit --no-fund
  fi
  local needed=("${UNIT_COMMANDS[@]}")
  ! has_lane e2e && ! has_lane install || needed+=("${E2E_COMMANDS[@]}")
  ! has_lane install || needed+=("${INSTALL_COMMANDS[@]}")
  local missing=() packages=() entry
  for entry in "${needed[@]}"; do
    command -v "${entry%%:*}" >/dev/null && continue
    missing+=("${entry%%:*}")
    [[ " ${packages[*]} " == *" ${entry#*:} "* ]] || packages+=("${entry#*:}")
  done
  # python-dotenv reads back the .env that auth inject writes (test/stores/dotenv-file.test.ts,
  # which runs Debian's python3 when there is one, as here).
  local python=python3
  [ ! -x /usr/bin/python3 ] || python=/usr/bin/python3
  if ! command -v python3 >/dev/null; then
    packages+=(python3-dotenv)
  elif ! "$python" -c 'import dotenv' >/dev/null 2>&1; then
    missing+=("python3's dotenv module")
    packages+=(python3-dotenv)
  fi
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
# seen once): bound each run so CI fails with a message instead of hanging.
run_mocha() {
  local rc=0
  timeout --kill-after=30 1800 npx mocha "$@" || rc=$?
  [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || echo "npm test: mocha ran over 30 minutes and was stopped (a test hung)" >&2
  return "$rc"
}

# The unit lane in parallel, one worker per core: each test has its own dirs and ports.
run_unit_lane() {
  echo "npm test: unit lane (in-process, src/, $(nproc) workers)"
  run_mocha --parallel --jobs "$(nproc)" "$UNIT_SPEC" --ignore "$E2E_SPEC" --ignore "$INSTALL_SPEC" "$@"
}

# Inside dbus-run-session: the lanes, or the files given, one mocha run each; all lanes run even
# when one fails, and the exit code is the first failure's.
run_lanes() {
  export HOME="$(mktemp -d)"
  export XDG_DATA_HOME="$HOME/.local/share"
  mkdir -p "$XDG_DATA_HOME/keyrings"
  eval "$(echo -n pw | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  local files=0 arg rc=0
  # The first failure's exit code is the run's.
  failed() { [ "$rc" -ne 0 ] || rc=$1; }
  local started=$SECONDS
  took() { echo "npm test: $1 lane done in $((SECONDS - started)) s"; started=$SECONDS; }
  for arg in "${ARGS[@]}"; do [[ $arg == *.ts ]] && files=1; done
  if [ "$files" = 1 ]; then
    run_mocha "${ARGS[@]}" || rc=$?
    exit "$rc"
  fi
  if has_lane unit; then
    run_unit_lane "${ARGS[@]}" || failed $?
    took unit
  fi
  if has_lane e2e; then
    echo "npm test: e2e lane (the built CLI as a process)"
    run_mocha "$E2E_SPEC" "${ARGS[@]}" || failed $?
    took e2e
  fi
  if has_lane install; then
    echo "npm test: install lane (pack, plugins install, registry, chromium, bare machine)"
    run_mocha "$INSTALL_SPEC" "${ARGS[@]}" || failed $?
    took install
  fi
  exit "$rc"
}

choose_lanes "$@"
if [ -n "${LLAMACTL_TEST_IN_DBUS:-}" ]; then run_lanes; fi

preflight
echo "npm test: Node $(node --version)"
# LLAMACTL_TEST_BUILT=1: the caller has just built and type-checked this checkout (.ci/run's second
# Node line): neither the build nor the type-check depends on the Node that runs them.
if { has_lane e2e || has_lane install; } && [ "${LLAMACTL_TEST_BUILT:-}" != 1 ]; then
  # Each step says what it does: the first ones print nothing of their own for a while.
  echo "npm test: building (tsc to dist/, oclif.manifest.json, man pages)"
  npm run --silent build
  # The oclif tool's own update check would print "oclif update available" in the test log.
  OCLIF_SKIP_NEW_VERSION_CHECK=true npx oclif manifest >/dev/null
  node scripts/gen-man.mjs
fi
if [ ${#LANES[@]} -eq 3 ] && [ "${#ARGS[@]}" -eq 0 ] && [ "${LLAMACTL_TEST_BUILT:-}" != 1 ]; then
  # The whole run checks the tests' types too (tsx runs them unchecked); `npm run lint` does as well.
  echo "npm test: type-checking the tests"
  node scripts/tsc.mjs -p test/tsconfig.json
fi
echo "npm test: mocha (lanes: ${LANES[*]}), in a private D-Bus session with an unlocked gnome-keyring"
# The daemon through scripts/session-bus-daemon.sh, so a root run in a container doesn't log a harmless fd-limit warning.
LLAMACTL_TEST_IN_DBUS=1 exec dbus-run-session --dbus-daemon="$PWD/scripts/session-bus-daemon.sh" -- bash "$0" "$@"
