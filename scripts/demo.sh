#!/usr/bin/env bash
# The main job, end to end on a fresh machine: install, build, start the bundled control plane
# on 127.0.0.1, and walk through `llamactl auth` in a throwaway config dir:
# env add → env switch → token (×2) → list → switch → project → logout → env delete.
set -euo pipefail
cd "$(dirname "$0")/.."
# A supported Node (22+) for everything below, fetched once if the machine's is older.
# shellcheck source=use-node.sh
source scripts/use-node.sh

# What the demo is doing, on stderr, between the steps of the walkthrough.
say() { printf '\033[2m%s\033[0m\n' "$*" >&2; }
started=$SECONDS

if [ ! -d node_modules ]; then
  say "Installing dependencies (npm ci; a minute or two the first time)..."
  # The build is the next step's: npm ci's prepare would make the same one first.
  LLAMACTL_SKIP_PREPARE=1 npm ci --no-audit --no-fund
fi
say "Building the CLI (TypeScript to dist/)..."
npm run --silent build
say "Writing oclif.manifest.json (command list for help)..."
OCLIF_SKIP_NEW_VERSION_CHECK=true npx oclif manifest >/dev/null 2>&1

export LLAMACTL_CONFIG_DIR="$(mktemp -d)"
# A throwaway config: its secrets go to a 0600 file in it, on purpose, so the walkthrough neither
# touches your keychain nor warns that it isn't using one.
export LLAMACTL_SECRET_STORE=file
info="$LLAMACTL_CONFIG_DIR.server.json"
say "Starting a local control plane on 127.0.0.1 (the test server, a few seconds)..."
node --import tsx scripts/serve-test-control-plane.ts >"$info" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$LLAMACTL_CONFIG_DIR" "$info"' EXIT
for _ in $(seq 1 200); do [ -s "$info" ] && break; sleep 0.1; done
[ -s "$info" ] || { echo "demo: the local control plane did not start within 20 s" >&2; exit 1; }
field() { node -e "const s = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); console.log($1)" "$info"; }
url=$(field s.url)
key1=$(field 's.apiKeys[0]')
key2=$(field 's.apiKeys[1]')
say "Ready after $((SECONDS - started)) s."

bold() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
step() { bold "llamactl $*"; ./bin/run.js "$@"; }

echo "Local control plane at $url; throwaway config dir $LLAMACTL_CONFIG_DIR (secrets in a file there)"
step auth env add "$url"
step auth env switch "$url"
step auth env list
bold 'printenv KEY1 | llamactl auth token --api-key - --project-id p1'
printf '%s\n' "$key1" | ./bin/run.js auth token --api-key - --project-id p1
bold 'printenv KEY2 | llamactl auth token --api-key - --project-id p2 --name ci'
printf '%s\n' "$key2" | ./bin/run.js auth token --api-key - --project-id p2 --name ci
step auth list
step auth switch "${key1:0:6}****${key1: -4}"
step auth project p2
step auth list --json
step auth logout ci
bold 'llamactl auth switch ci   # fails: that profile is gone'
./bin/run.js auth switch ci || echo "(exit $?)"
step auth env delete "$url"
step auth list
printf '\nWalkthrough complete. The config dir and the server are gone.\n'
printf 'This demo kept secrets in a file (LLAMACTL_SECRET_STORE=file). Your own profiles go to the OS\n'
printf 'keychain: leave LLAMACTL_SECRET_STORE unset (or set it to keychain, which makes a missing\n'
printf 'keychain an error) and sign in to your own control plane with:\n\n'
# A command that runs as printed: there is no `llamactl` on PATH yet, and where the machine's
# Node is older than 22 the bin's #! line would find that one.
if [ -z "${LLAMACTL_FETCHED_NODE:-}" ]; then
  printf '  ./bin/run.js auth login\n'
else
  printf '  %q bin/run.js auth login\n' "$LLAMACTL_FETCHED_NODE"
fi
