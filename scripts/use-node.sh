# Sourced by the project's own scripts (demo, tests, CI): puts a supported Node.js first on PATH,
# as Volta or corepack would. The plugin needs Node 22 or newer (oclif 5's line); where the
# machine's `node` is older, the official binary is fetched once from the npm registry (the
# node-<os>-<arch> package carries it) into .node/ in the checkout (ignored by git) and used
# from there: inside the checkout, so the tests that run the CLI as another user (nobody) can
# start it wherever they can read the checkout, which a root's ~/.cache is not.
#
# LLAMACTL_NODE_LINE=26 (or 22) asks for that line even when the machine's Node would do: CI runs
# the suite once per line. The versions are pinned here, so every machine tests the same Node.
# shellcheck shell=bash

declare -A LLAMACTL_NODE_PINNED=([22]=22.23.5 [26]=26.12.1)
LLAMACTL_NODE_OLDEST=22

llamactl_use_node() {
  local line=${LLAMACTL_NODE_LINE:-}
  if [ -z "$line" ]; then
    local major
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    [ "$major" -ge "$LLAMACTL_NODE_OLDEST" ] && return 0
    line=$LLAMACTL_NODE_OLDEST
  fi
  local version=${LLAMACTL_NODE_PINNED[$line]:-}
  if [ -z "$version" ]; then
    echo "use-node: no pinned Node $line (known: ${!LLAMACTL_NODE_PINNED[*]})" >&2
    return 1
  fi
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=unsupported ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=unsupported ;; esac
  local cache
  cache="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.node/$version-$os-$arch"
  local bin="$cache/node_modules/node-$os-$arch/bin"
  if [ ! -x "$bin/node" ]; then
    if [ "$os" = unsupported ] || [ "$arch" = unsupported ]; then
      echo "use-node: Node.js $LLAMACTL_NODE_OLDEST or newer is needed; install it (https://nodejs.org) and run this again" >&2
      return 1
    fi
    echo "use-node: this machine's Node is $(node --version 2>/dev/null || echo missing); fetching Node $version for the project's scripts (once, from the npm registry)" >&2
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "node-$os-$arch@$version" >/dev/null || {
      echo "use-node: could not fetch node-$os-$arch@$version from the npm registry; install Node.js $LLAMACTL_NODE_OLDEST or newer yourself" >&2
      return 1
    }
  fi
  PATH="$bin:$PATH"
  export PATH
  # The node a printed command should name: `node` alone may be an older one in a new shell.
  LLAMACTL_FETCHED_NODE="$bin/node"
}

llamactl_use_node || exit 1
