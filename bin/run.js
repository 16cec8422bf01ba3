#!/usr/bin/env -S node --
// The `--` ends node's own options: node otherwise reads `--env-file FILE` anywhere on its
// command line, even among the command's arguments (nodejs/node#54232), and would apply FILE's
// NODE_OPTIONS (code to --require) or stop (exit 9, FILE missing) before llamactl starts.
// `auth inject --env-file .env` is the Python llamactl's spelling, so it must reach the command.
//
// This file stays plain enough for any Node to parse: on one older than the plugin supports it
// says so in one line instead of failing inside oclif with a stack trace.
import module from 'node:module'
import os from 'node:os'
import path from 'node:path'

const OLDEST = 22
if (Number(process.versions.node.split('.')[0]) < OLDEST) {
  process.stderr.write(
    `Error: llamactl needs Node.js ${OLDEST} or newer, and this is Node.js ${process.versions.node}. Install a current LTS (https://nodejs.org) and run it again.\n`,
  )
  process.exit(1)
}

// Node keeps the compiled code of our modules and oclif's between runs: about a tenth of a
// command's start-up. In oclif's cache dir for llamactl, which is the user's own, not in the
// shared tmp dir Node picks by default, where another user could plant compiled code.
module.enableCompileCache?.(path.join(cacheDir(), 'compile-cache'))

/** oclif's cacheDir for the `llamactl` dirname: LLAMACTL_CACHE_DIR, else the platform's place. */
function cacheDir() {
  if (process.env.LLAMACTL_CACHE_DIR) return process.env.LLAMACTL_CACHE_DIR
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'llamactl')
  if (process.platform === 'win32' && process.env.LOCALAPPDATA) return path.join(process.env.LOCALAPPDATA, 'llamactl')
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'llamactl')
}

// Under DEBUG a stack trace names the TypeScript source lines (dist/ ships source maps); off by
// default, as reading the maps costs start-up time nobody needs.
if (process.env.DEBUG) process.setSourceMapsEnabled(true)

// oclif sorts the commands of the manifest with localeCompare while it loads, and the first
// localeCompare of a process builds ICU's collator: most of what start-up costs
// over a CLI of one command. Command ids are lowercase ASCII words joined by ':' and '-', which
// code-unit order sorts the same way (test/start-up.e2e.test.ts checks every id of the manifest), so
// that first sort gets it; the real localeCompare is back as soon as that sort is over.
const {localeCompare} = String.prototype
String.prototype.localeCompare = function (that) {
  queueMicrotask(() => (String.prototype.localeCompare = localeCompare))
  return this < that ? -1 : this > that ? 1 : 0
}

if (process.env._LLAMACTL_COMPLETE) {
  // A completion script the Python llamactl installed calls us with click's protocol: our
  // completer answers it, without loading oclif.
  ;(await import('../dist/completion/complete.js')).answerClick(process.env._LLAMACTL_COMPLETE)
} else {
  const {Config, execute} = await import('@oclif/core')
  // The Python llamactl's routing where oclif's differs (unique prefixes, `auth --native-tls get`):
  // dist/route-argv.js, on the config oclif then runs with (loaded once).
  const config = await Config.load(import.meta.url)
  const routed = (await import('../dist/route-argv.js')).routeArgv(config, process.argv.slice(2))
  if ('error' in routed) {
    process.stderr.write(`Error: ${routed.error}\n`)
    process.exitCode = 2
  } else await execute({args: routed.argv, loadOptions: config})
}
