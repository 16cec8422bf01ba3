import {execFileSync, spawn} from 'node:child_process'
import {readFileSync, statSync} from 'node:fs'
import path from 'node:path'

import {ROOT} from './cli.js'

/** Builds real profiles.db files with Python's own sqlite3 (see the script). */
const SCRIPT = path.join(ROOT, 'test', 'support', 'profiles_db.py')

export const PY_DEFAULT_API_URL = 'https://api.cloud.llamaindex.ai'

/** Rows are inserted by column name, as given: a value may be anything SQLite stores, NULL included. */
export type Row = Record<string, null | number | object | string>

export interface ProfilesDbSpec {
  /** `environments` rows (inserted or replaced by api_url; the default one is seeded). */
  environments?: Row[]
  /** `profiles` rows; `device_oidc` objects are stored as JSON; version 2 rows get a UUID `id` unless given. */
  profiles?: Row[]
  /** `settings` rows (null deletes a seeded one). */
  settings?: Record<string, null | string>
  /** `PRAGMA user_version` set after building (e.g. 3: a newer Python llamactl). */
  userVersion?: number
  /** 1: the first schema; 2 (default): with api_key_id, device_oidc and id appended by ALTER TABLE. */
  version?: 1 | 2
}

/** Writes a real profiles.db at `file`. */
export function buildProfilesDb(file: string, spec: ProfilesDbSpec): void {
  execFileSync('python3', [SCRIPT, 'build', file], {input: JSON.stringify(spec), stdio: ['pipe', 'inherit', 'inherit'], timeout: 15_000})
}

export interface Holder {
  /** Resolves when the Python process has ended (killed itself, for `crash`). */
  done: Promise<void>
  kill(): void
}

/**
 * A Python process that holds a write transaction on `file`, spilled to disk so the journal has
 * its header and the database file is half-written (or, with `wal`, a commit still in
 * profiles.db-wal); resolves once it holds it. After `ms` it commits (adding a profile `late`),
 * rolls back, or kills itself and leaves a hot journal (`crash`).
 */
export function holdWrite(file: string, ms: number, mode: 'commit' | 'crash' | 'rollback' | 'wal'): Promise<Holder> {
  const args = mode === 'wal' ? [SCRIPT, 'hold-wal', file, String(ms)] : [SCRIPT, 'hold', file, String(ms), mode]
  const child = spawn('python3', args, {stdio: ['ignore', 'pipe', 'inherit']})
  const timer = setTimeout(() => child.kill('SIGKILL'), ms + 15_000)
  const done = new Promise<void>((resolve) => {
    child.on('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      if (out.includes('holding')) resolve({done, kill: () => child.kill('SIGKILL')})
    })
    child.on('close', (code) => reject(new Error(`profiles_db.py ${mode} ended (${code}) before holding the file`)))
  })
}

/** The file's bytes and mtime, to show it was left exactly as it was. */
export function fingerprint(file: string): {bytes: string; mtimeMs: number} {
  return {bytes: readFileSync(file).toString('base64'), mtimeMs: statSync(file).mtimeMs}
}

/** A browser-login row's `device_oidc`, as the Python llamactl writes it. */
export function deviceOidc(fields: {accessToken: string; discoveryUrl?: string; email: string; idToken?: string; refreshToken?: string; sub: string}): Row {
  return {
    client_id: 'llamactl-cli',
    device_access_token: fields.accessToken,
    device_id_token: fields.idToken ?? null,
    device_name: 'laptop',
    device_refresh_token: fields.refreshToken ?? null,
    discovery_url: fields.discoveryUrl ?? 'https://auth.example.com/.well-known/openid-configuration',
    email: fields.email,
    user_id: fields.sub,
  }
}

/** Where SQLite keeps a table: its page size and the root page of its b-tree, asked of Python's sqlite3. */
export function tablePages(file: string, table: string): {pageSize: number; rootPage: number} {
  const script =
    'import sqlite3, sys, json; c = sqlite3.connect(sys.argv[1]); ' +
    'print(json.dumps([c.execute("PRAGMA page_size").fetchone()[0], c.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (sys.argv[2],)).fetchone()[0]]))'
  const [pageSize, rootPage] = JSON.parse(execFileSync('python3', ['-c', script, file, table], {encoding: 'utf8', timeout: 15_000}))
  return {pageSize, rootPage}
}
