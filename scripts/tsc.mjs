#!/usr/bin/env node
// The project's tsc (build, lint, tests): TypeScript 7, the `typescript7` alias. Its compiler is a
// native binary that npm installs as an optional dependency of it, so `npm ci --omit=optional`
// (what a machine that can't build keytar may run) or a platform without a binary leaves it out.
// There, TypeScript 6 (`typescript`, the JavaScript compiler kept for typescript-eslint) compiles
// the same sources; the output is the same program. Arguments go to tsc as they are.
import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

function compiler() {
  try {
    const typescript7 = path.dirname(require.resolve('typescript7/package.json'))
    // Where TypeScript 7's bin looks for its binary (lib/getExePath.js): @typescript/typescript-<platform>-<arch>.
    createRequire(path.join(typescript7, 'package.json')).resolve(`@typescript/typescript-${process.platform}-${process.arch}/package.json`)
    return path.join(typescript7, 'bin', 'tsc')
  } catch {
    process.stderr.write("tsc: TypeScript 7's native compiler is not installed here (npm ci --omit=optional?); compiling with TypeScript 6\n")
    return path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc')
  }
}

const {status, signal} = spawnSync(process.execPath, [compiler(), ...process.argv.slice(2)], {stdio: 'inherit'})
process.exit(status ?? (signal ? 1 : 0))
