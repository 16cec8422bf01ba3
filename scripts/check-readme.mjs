#!/usr/bin/env node
// Fails when the generated command reference, docs/commands.md (between <!-- usage --> and
// <!-- commandsstop -->), is stale: regenerates it with `oclif readme` into a temp copy and
// compares. Fix with `npm run readme`. Needs the built commands (dist/ and oclif.manifest.json).
//
//   node scripts/check-readme.mjs [docs/commands.md]
import {execFileSync} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const REFERENCE = path.resolve(process.argv[2] ?? path.join(ROOT, 'docs', 'commands.md'))

/** The usage block names the machine that generated it (`linux-x64 node-v20...`): not staleness. */
const normalize = (text) => text.replaceAll(/^(@llamactl\/plugin-auth\/\S+) \S+ node-v\S+$/gm, '$1 <platform> <node>')

const tmp = mkdtempSync(path.join(os.tmpdir(), 'llamactl-readme-'))
try {
  const copy = path.join(tmp, 'commands.md')
  copyFileSync(REFERENCE, copy)
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'oclif', 'bin', 'run.js'), 'readme', '--no-source-links', '--no-aliases', '--readme-path', copy],
    {
      cwd: ROOT,
      env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  const expected = normalize(readFileSync(copy, 'utf8'))
  const actual = normalize(readFileSync(REFERENCE, 'utf8'))
  if (expected !== actual) {
    const a = actual.split('\n')
    const e = expected.split('\n')
    const first = e.findIndex((line, i) => line !== a[i])
    process.stderr.write(
      `${path.basename(REFERENCE)} is stale: the command reference differs from \`oclif readme\` from line ${first + 1}:\n` +
        `  ${path.basename(REFERENCE)}: ${JSON.stringify(a[first] ?? '<end of file>')}\n` +
        `  generated: ${JSON.stringify(e[first] ?? '<end of file>')}\n` +
        'Run `npm run readme` (after building) and commit docs/commands.md.\n',
    )
    process.exit(1)
  }

  process.stderr.write(`${path.basename(REFERENCE)}: the command reference is up to date.\n`)
} finally {
  rmSync(tmp, {force: true, recursive: true})
}
