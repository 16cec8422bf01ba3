import {createHash} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {CliError} from '../errors.js'

/** The newest `PRAGMA user_version` of the Python llamactl's profiles.db that this reader understands. */
export const PYTHON_DB_MAX_VERSION = 2

/** A profiles.db holds a few kilobytes; anything near this is not one, and is not read into memory. */
const MAX_BYTES = 16 * 1024 * 1024
const NOT_PROFILES_DB = "Move it aside, or import the Python llamactl's profiles.db with `llamactl auth import --from PATH`"
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1')
/** Read-only, and never blocking: a FIFO put in the file's place must not hang the CLI. */
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)

import type {SqlValue} from './sqlite-file.js'

export type {SqlValue} from './sqlite-file.js'

/** One row of `profiles`; columns a file doesn't have (schema 1 has no `api_key_id`, `device_oidc`, `id`) are null. */
export interface PythonProfileRow {
  api_key: SqlValue
  api_key_id: SqlValue
  api_url: SqlValue
  device_oidc: SqlValue
  id: SqlValue
  name: SqlValue
  project_id: SqlValue
}

/** One row of `environments`. */
export interface PythonEnvironmentRow {
  api_url: SqlValue
  min_llamactl_version: SqlValue
  requires_auth: SqlValue
}

/** What a profiles.db holds, as read: values are not validated here (see ImportService). */
export interface PythonProfilesDb {
  environments: PythonEnvironmentRow[]
  file: string
  /** The file as read: its size and mtime when its bytes were read, and their SHA-256 (hex). */
  fingerprint: {mtimeMs: number; sha256: string; size: number}
  profiles: PythonProfileRow[]
  /** The `settings` table: `current_environment_api_url`, `current_profile`. */
  settings: Map<string, SqlValue>
  userVersion: number
}

export interface PythonProfilesDbOptions {
  /** How long to wait for a writer of the file to finish before giving up (default 2 s). */
  busyWaitMs?: number
  /** How often to look again meanwhile (default 100 ms). */
  pollMs?: number
}

const PROFILE_COLUMNS = ['name', 'api_url', 'project_id', 'api_key', 'api_key_id', 'device_oidc', 'id'] as const
const ENVIRONMENT_COLUMNS = ['api_url', 'requires_auth', 'min_llamactl_version'] as const

/**
 * Reads the Python llamactl's `profiles.db` without ever opening it for writing: its bytes are
 * copied into memory and a read-only reader of the SQLite file format (sqlite-file.ts) reads the
 * copy. So the file, its mtime and the files beside it stay exactly as they were, and the Python
 * llamactl keeps working with it.
 *
 * A copy is only sound when no write is under way. The Python llamactl writes in SQLite's default
 * rollback-journal mode: a write transaction first saves the pages it will change to
 * `profiles.db-journal`, and only once that journal has a header (non-zero first byte) does it
 * change the database file. Such a journal, or a non-empty `profiles.db-wal` (WAL mode, whose
 * committed pages may not be in the main file yet), means the bytes may be half-written: this
 * waits for it to go away (briefly) and then fails with one line. Its `profiles.db.lock` is held
 * only around schema migrations, which are themselves journaled transactions, so the journal
 * check covers them; the file's presence alone means nothing (it is never deleted).
 */
export async function readPythonProfilesDb(file: string, options: PythonProfilesDbOptions = {}): Promise<PythonProfilesDb> {
  const {bytes, mtimeMs} = await snapshot(file, options.busyWaitMs ?? 2000, options.pollMs ?? 100)
  const fingerprint = {mtimeMs, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length}
  if (bytes.length < SQLITE_MAGIC.length || !bytes.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC))
    throw new CliError(`${file} is not a SQLite database, so not a Python llamactl profiles.db`, {
      code: 'import_not_sqlite',
      suggestion: NOT_PROFILES_DB,
    })

  try {
    // Loaded here only: no other command reads SQLite.
    const {SqliteFile} = await import('./sqlite-file.js')
    const db = new SqliteFile(bytes)
    const {userVersion} = db
    if (userVersion > PYTHON_DB_MAX_VERSION)
      throw new CliError(`${file} was written by a newer Python llamactl (schema ${userVersion}; this llamactl reads up to ${PYTHON_DB_MAX_VERSION})`, {
        code: 'import_too_new',
        suggestion: 'Upgrade llamactl (the auth plugin), then import again; nothing was imported',
      })

    const tables = db.tables()
    if (!tables.has('profiles'))
      throw new CliError(`${file} has no profiles table, so it is not a Python llamactl profiles.db`, {
        code: 'import_not_sqlite',
        suggestion: NOT_PROFILES_DB,
      })

    // Columns were appended by ALTER TABLE over the schema versions: always read them by name.
    const select = <C extends string>(table: string, wanted: readonly C[]): Array<Record<C, SqlValue>> => db.rows(table, wanted) as Array<Record<C, SqlValue>>

    const settings = new Map<string, SqlValue>()
    if (tables.has('settings'))
      for (const row of select('settings', ['key', 'value'] as const)) if (typeof row.key === 'string') settings.set(row.key, row.value)
    return {
      environments: tables.has('environments') ? select('environments', ENVIRONMENT_COLUMNS) : [],
      file,
      fingerprint,
      profiles: select('profiles', PROFILE_COLUMNS),
      settings,
      userVersion,
    }
  } catch (error) {
    if (error instanceof CliError) throw error
    // A damaged file ("malformed: page 3 is not a table b-tree page"), or one this reader can't read.
    throw new CliError(`${file} can't be read as a SQLite database (${(error as Error).message})`, {
      code: 'import_not_sqlite',
      suggestion: NOT_PROFILES_DB,
    })
  }
}

/**
 * The file's bytes once no write is under way and two reads in a row agree; waits up to
 * `busyWaitMs` for a writer to finish.
 */
async function snapshot(file: string, busyWaitMs: number, pollMs: number): Promise<{bytes: Buffer; mtimeMs: number}> {
  const deadline = Date.now() + busyWaitMs
  for (;;) {
    let busy = await writeUnderWay(file)
    if (!busy) {
      const first = await readBounded(file)

      const second = await readBounded(file)

      busy = await writeUnderWay(file)
      if (!busy && first.bytes.equals(second.bytes)) return second
      busy ??= `${path.basename(file)} itself, which kept changing`
    }

    if (Date.now() >= deadline)
      throw new CliError(`${file} is being written by another program (${busy}), so it can't be read safely`, {
        code: 'import_locked',
        suggestion: `Let the Python llamactl finish, then run \`llamactl auth import\`; if none is running, any Python llamactl command (or \`sqlite3 ${file} "PRAGMA user_version"\`) completes the interrupted write`,
      })

    await sleep(pollMs)
  }
}

/** Which file shows a write in progress (a journal with a header, or a non-empty WAL), or null. */
async function writeUnderWay(file: string): Promise<null | string> {
  // SQLite's own rule for a hot journal: it exists and its first byte is not zero (a zeroed header
  // is a finished transaction in journal_mode=PERSIST, or one that has not touched the file yet).
  const journal = `${file}-journal`
  const first = await firstByte(journal)
  if (first !== undefined && first !== 0) return path.basename(journal)
  const wal = `${file}-wal`
  const walSize = await fs.stat(wal).then(
    (s) => s.size,
    () => 0,
  )
  return walSize > 0 ? path.basename(wal) : null
}

async function firstByte(file: string): Promise<number | undefined> {
  let handle: fs.FileHandle
  try {
    handle = await fs.open(file, READ_FLAGS)
  } catch {
    return undefined
  }

  try {
    if (!(await handle.stat()).isFile()) return undefined
    const {buffer, bytesRead} = await handle.read(Buffer.alloc(1), 0, 1, 0)
    return bytesRead === 0 ? undefined : buffer[0]
  } finally {
    await handle.close()
  }
}

/** The whole file, opened read-only, and its mtime as it was opened; one clear error when it can't be read or is far too large. */
async function readBounded(file: string): Promise<{bytes: Buffer; mtimeMs: number}> {
  let handle: fs.FileHandle | undefined
  try {
    handle = await fs.open(file, READ_FLAGS)
    const stat = await handle.stat()
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'})
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), {code: 'ENOTFILE'})
    const {size} = stat
    if (size > MAX_BYTES)
      throw new CliError(`${file} is ${Math.round(size / 1024 / 1024)} MiB, far too large for a Python llamactl profiles.db`, {
        code: 'import_not_sqlite',
        suggestion: NOT_PROFILES_DB,
      })
    const buffer = Buffer.alloc(size)
    let offset = 0
    while (offset < size) {
      const {bytesRead} = await handle.read(buffer, offset, size - offset, offset)
      if (bytesRead === 0) break
      offset += bytesRead
    }

    return {bytes: buffer.subarray(0, offset), mtimeMs: stat.mtimeMs}
  } catch (error) {
    if (error instanceof CliError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT')
      throw new CliError(`There is no ${file}`, {
        code: 'import_not_found',
        suggestion: "Check the path; import the Python llamactl's profiles.db with `llamactl auth import --from PATH`",
      })
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'ENOTFILE'
            ? 'it is not a regular file'
            : (error as Error).message
    throw new CliError(`Could not read ${file}: ${why}`, {
      code: 'import_unreadable',
      suggestion: 'Make it a file you can read, then run `llamactl auth import`; nothing was imported',
    })
  } finally {
    await handle?.close()
  }
}
