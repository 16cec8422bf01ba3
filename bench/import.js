#!/usr/bin/env node
// Import benchmark (a report, not a test): `auth import --from profiles.db` of 1,000 and 10,000
// API-key profiles into an empty config, secrets in the file store (LLAMACTL_SECRET_STORE=file),
// as a whole process, median of a few rounds. Each round starts from a fresh config dir.
//
// Usage: node bench/import.js [--rounds N] [--sizes 1000,10000] [--cli DIR] [--json]
// Needs the built CLI (dist/ and oclif.manifest.json) and python3 (it builds the profiles.db
// files with Python's own sqlite3, as the tests do). Exits 1 if an import fails or imports
// something else than expected.

import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const REPO = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const DEFAULT_API_URL = 'https://api.cloud.llamaindex.ai'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : args[i + 1]
}

const rounds = Number(option('--rounds', '3'))
const sizes = option('--sizes', '1000,10000').split(',').map(Number)
const cli = path.resolve(option('--cli', REPO))
const json = args.includes('--json')

/** A profiles.db with `n` API-key profiles of the default environment. */
function buildDb(file, n) {
  const profiles = Array.from({length: n}, (_, i) => ({
    api_key: `llx-bench-${String(i).padStart(6, '0')}-abcdefghijklmnopqrstuvwxyz`,
    api_url: DEFAULT_API_URL,
    name: `profile-${i}`,
    project_id: `project-${i % 7}`,
  }))
  const result = spawnSync('python3', [path.join(REPO, 'test', 'support', 'profiles_db.py'), 'build', file], {input: JSON.stringify({profiles})})
  if (result.status !== 0) throw new Error(`could not build ${file}: ${result.stderr}`)
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const work = mkdtempSync(path.join(os.tmpdir(), 'llamactl-bench-import-'))
const results = []
try {
  for (const n of sizes) {
    const db = path.join(work, `profiles-${n}.db`)
    buildDb(db, n)
    const times = []
    for (let round = 0; round < rounds; round++) {
      const config = mkdtempSync(path.join(work, 'config-'))
      const env = {HOME: work, LLAMACTL_CONFIG_DIR: config, LLAMACTL_SECRET_STORE: 'file', PATH: process.env.PATH}
      const start = process.hrtime.bigint()
      const run = spawnSync(process.execPath, ['--', path.join(cli, 'bin', 'run.js'), 'auth', 'import', '--from', db, '--json'], {encoding: 'utf8', env})
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      const added = run.status === 0 ? JSON.parse(run.stdout).profiles.added.length : -1
      const stored = run.status === 0 ? Object.keys(JSON.parse(readFileSync(path.join(config, 'secrets.json'), 'utf8')).secrets).length : -1
      if (added !== n || stored !== n) {
        process.stderr.write(`bench: importing ${n} profiles: exit ${run.status}, ${added} added, ${stored} secrets\n${run.stderr}`)
        process.exitCode = 1
      }

      times.push(ms)
      rmSync(config, {force: true, recursive: true})
    }

    results.push({medianMs: Math.round(median(times)), profiles: n, rounds: times.map((t) => Math.round(t))})
  }
} finally {
  rmSync(work, {force: true, recursive: true})
}

if (json) process.stdout.write(JSON.stringify({cli, results}, null, 2) + '\n')
else
  for (const r of results)
    process.stdout.write(`auth import, ${r.profiles} profiles (file store): median ${r.medianMs} ms (rounds: ${r.rounds.join(', ')} ms)\n`)
