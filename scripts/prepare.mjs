#!/usr/bin/env node
// npm's `prepare` script: builds dist/, oclif.manifest.json and man/ when one of them is missing,
// and does nothing otherwise.
//
// It exists for installs from a git URL (`npm install git+https://…`, `llamactl plugins install
// git+https://…`): npm clones the repository, installs its dependencies (devDependencies too)
// and runs `prepare`, then packs what `files` lists. The repository holds no build, so without
// this the installed plugin would have no commands. A checkout that is already built (and
// `npm pack`, whose prepack rebuilds from scratch anyway) skips the work.
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

// LLAMACTL_SKIP_PREPARE=1: the caller builds right after npm ci (the demo, CI), so don't build twice.
if (process.env.LLAMACTL_SKIP_PREPARE === '1') process.exit(0)

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const built = ['dist/index.js', 'dist/index.d.ts', 'oclif.manifest.json', 'man/llamactl-auth.1'].every((f) => existsSync(path.join(ROOT, f)))
if (built) process.exit(0)

const require = createRequire(import.meta.url)
let oclif
try {
  require.resolve('typescript/package.json') // scripts/tsc.mjs: TypeScript 7, else this one
  oclif = require.resolve('oclif/bin/run.js')
  require.resolve('@rollup/wasm-node')
} catch {
  process.stderr.write('prepare: the build needs the devDependencies (typescript, rollup, oclif): run npm install without --omit=dev\n')
  process.exit(1)
}

// No "oclif update available" line in a user's npm ci: that notice is oclif's, not news for them.
const env = {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}
const step = (args) => execFileSync(process.execPath, args, {cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit']})
step([path.join(ROOT, 'scripts', 'tsc.mjs'), '-p', 'tsconfig.json'])
step([path.join(ROOT, 'scripts', 'bundle.mjs')])
step([oclif, 'manifest'])
step([path.join(ROOT, 'scripts', 'gen-man.mjs')])
