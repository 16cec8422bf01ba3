import {closeSync, fstatSync, lstatSync, openSync, promises as fs, readFileSync, rmSync, statSync, type Stats} from 'node:fs'
import {constants} from 'node:os'
import path from 'node:path'

import {CliError} from '../errors.js'

const FILE_MODE = 0o600
const DIR_MODE = 0o700

/** Dirs already warned about in this process: one warning per command, not one per write. */
const warned = new Set<string>()

/** A config dir path that can't be one (a regular file, or under one): one line naming it. */
function notADirectory(dir: string): CliError {
  return new CliError(`${dir} is not a directory`, {
    code: 'config_dir_invalid',
    suggestion: 'Move that file aside, or point LLAMACTL_CONFIG_DIR at a directory',
  })
}

/**
 * Makes sure the config dir exists. One llamactl creates is 0700 whatever the umask. One that
 * exists is left as it is: its mode is the user's choice (a shared 1777 dir, their own 0500);
 * when other users can write to it, `warn` says so once per process.
 */
export async function ensureConfigDir(dir: string, warn?: (message: string) => void): Promise<void> {
  let created: string | undefined
  try {
    created = await fs.mkdir(dir, {mode: DIR_MODE, recursive: true})
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    if (code === 'EEXIST' || code === 'ENOTDIR') throw notADirectory(dir)
    throw new CliError(`Could not create ${dir}: ${(error as Error).message}`, {code: 'config_unwritable', suggestion: 'Check the permissions of its parent'})
  }

  if (created !== undefined) {
    await fs.chmod(dir, DIR_MODE)
    return
  }

  const {mode} = await fs.stat(dir)
  if ((mode & 0o022) !== 0 && warn && !warned.has(dir)) {
    warned.add(dir)
    warn(
      `${dir} is a directory other users can write to (mode ${(mode & 0o7777).toString(8)}): they could create or replace llamactl's files there. ` +
        `Run \`chmod go-w ${dir}\`, or set LLAMACTL_CONFIG_DIR to a private directory`,
    )
  }
}

// Reads are synchronous: config.json and secrets.json are small local files read once per command,
// and each asynchronous fs call is a round trip through libuv's thread pool (readFile is four:
// open, fstat, read, close), all of it on the start-up path. Writes stay asynchronous: they are
// rare and run under the lock.

/**
 * Reads a JSON file; `undefined` when it does not exist. A file that can't be parsed is an error
 * naming it, with `corruptCode` (config_corrupt, or secrets_corrupt for the secrets file).
 */
export function readJsonFile(file: string, corruptCode = 'config_corrupt'): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw notADirectory(path.dirname(file))
    throw new CliError(`Could not read ${file}: ${(error as Error).message}`, {
      code: 'config_unreadable',
      suggestion: 'Check its permissions',
    })
  }

  return parseJson(text, file, corruptCode)
}

function parseJson(text: string, file: string, corruptCode = 'config_corrupt'): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new CliError(`${file} is not valid JSON`, {
      code: corruptCode,
      suggestion: `Fix it by hand, or move it aside (e.g. mv ${file} ${file}.bak) to start with an empty one`,
    })
  }
}

/**
 * Why a file is not the user's own to trust (a config that names the control plane the key goes
 * to, a profiles.db to import): it, or the link to it, belongs to another user, or group or
 * others can write to it. In a shared directory (a 1777 config dir) anyone could plant one.
 * Undefined for the user's own private file. Group write is fine in the user's private group
 * (gid = uid, the user's own primary group: where useradd makes one group per user, a umask of
 * 002 gives every file of theirs mode 0664). `stats` are the link's and the file's.
 */
export function notOwnFile(stats: ReadonlyArray<Pick<Stats, 'gid' | 'isSymbolicLink' | 'mode' | 'uid'>>): string | undefined {
  if (process.platform === 'win32') return undefined
  const uid = process.getuid?.()
  const privateGroup = (gid: number) => gid === uid && gid === process.getgid?.()
  for (const stat of stats) {
    if (stat.uid !== uid) return `it belongs to another user (uid ${stat.uid})`
    const writers = stat.mode & (privateGroup(stat.gid) ? 0o002 : 0o022)
    if (!stat.isSymbolicLink() && writers !== 0) return `other users can write to it (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')})`
  }

  return undefined
}

/**
 * Reads a JSON file that must be the user's own (notOwnFile); `undefined` when it does not
 * exist. The checks are of the file opened (fstat) and of the path (lstat, for a link), so it
 * can't be swapped between check and read. Another user's file, or one others can write, is the
 * one-line `untrusted` error; otherwise as readJsonFile.
 */
export async function readOwnJsonFile(file: string, untrusted: (file: string, why: string) => CliError): Promise<unknown> {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    return readJsonFile(file)
  }

  let text: string
  try {
    const why = notOwnFile([lstatSync(file), fstatSync(fd)])
    if (why) throw untrusted(file, why)
    text = readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }

  return parseJson(text, file)
}

/** False only when the file is certainly not there (ENOENT): other failures surface when it is read. */
export function mayExist(file: string): boolean {
  try {
    statSync(file)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT'
  }
}

/** The temp file name of a write of `file` by process `pid`: `.<name>.<pid>.<random>.tmp`. */
const tempName = (file: string, pid: number) => `.${path.basename(file)}.${pid}.${Math.random().toString(36).slice(2)}.tmp`

/** Whether a process exists (EPERM: it does, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes temp files of writes of `file` that can no longer finish: those of dead processes
 * (kill -9, a crash, power loss) and this process's own. A temp file of secrets.json holds keys
 * in plain text, so it must not outlive its writer. Call under the file's lock: every write
 * happens under it, so none of these is in flight, except one of a live writer whose lock was
 * taken over as stale (it may still rename), which is left alone.
 */
export async function removeAbandonedTemps(file: string): Promise<void> {
  const dir = path.dirname(file)
  const prefix = `.${path.basename(file)}.`
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch {
    return
  }

  for (const name of names) {
    const pid = name.startsWith(prefix) ? /^(\d+)\.[\da-z]*\.tmp$/.exec(name.slice(prefix.length))?.[1] : undefined
    if (pid === undefined || (Number(pid) !== process.pid && alive(Number(pid)))) continue

    // Best effort: in a shared directory (a .env's) another user's file can't be removed by us.
    await fs.rm(path.join(dir, name), {force: true}).catch(() => {})
  }
}

export interface AtomicWriteOptions {
  /** The error a failure becomes (default: config_unwritable naming the file). */
  error?: (cause: Error) => CliError
  /** The file's mode (default 0600), set on the temp file before it is renamed into place. */
  mode?: number
  /** The file's owner, kept when root replaces another user's file (others can't give files away). */
  owner?: {gid: number; uid: number}
  /**
   * Whether the data is a secret (a .env with the key): then SIGTERM, SIGINT or SIGHUP during the
   * write removes the temp file before the process ends as the signal would end it, instead of
   * leaving the key in it until the next write sweeps it (only SIGKILL still does that).
   */
  secret?: boolean
}

/** The signals that end a process and can be handled: a temp file with a secret goes first. */
const ENDING_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM'] as const

/**
 * The temp files with a secret that this process is writing now. Process-wide because signals
 * are: the handlers go in with the first such file and stay until a signal comes, since a
 * handler taken away between a signal's arrival and its dispatch would lose the signal.
 */
const secretTemps = new Set<string>()
let removingOnSignal = false

/**
 * Makes SIGHUP, SIGINT and SIGTERM remove the secret temp files being written, then hands the
 * signal back as if these handlers had never been there: they go, and the signal is raised again
 * for the other listeners (proper-lockfile's, which removes its lock and re-raises) or the
 * default action. With a temp file removed mid-write, the process must not write on: should the
 * raised signal not end it at once, it exits 128 + the signal's number, as a shell reports it.
 */
function removeSecretTempsOnSignal(): void {
  if (removingOnSignal) return
  removingOnSignal = true
  const handlers = ENDING_SIGNALS.map((signal) => {
    const handler = () => {
      const writing = secretTemps.size > 0
      for (const temp of secretTemps) rmSync(temp, {force: true})
      secretTemps.clear()
      for (const [name, each] of handlers) process.removeListener(name, each)
      removingOnSignal = false
      process.kill(process.pid, signal)
      if (writing) process.exit(128 + constants.signals[signal])
    }

    process.on(signal, handler)
    return [signal, handler] as const
  })
}

/**
 * Writes a file so that a reader sees the old or the new one, never half of one: a private temp
 * file in the same directory (`.<name>.<pid>.<random>.tmp`, which removeAbandonedTemps sweeps
 * when its writer dies), flushed, then renamed over the target. Call under the file's lock
 * (withFileLock).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  // Unique per process and write; 'wx' refuses to reuse a name rather than clobber it.
  const temp = path.join(path.dirname(file), tempName(file, process.pid))
  let opened = false
  // In place before the temp file exists, so that there is no moment it could be left behind.
  if (options.secret) {
    removeSecretTempsOnSignal()
    secretTemps.add(temp)
  }

  try {
    const handle = await fs.open(temp, 'wx', FILE_MODE)
    opened = true
    try {
      await handle.writeFile(data)
      if (options.owner && process.getuid?.() === 0) await handle.chown(options.owner.uid, options.owner.gid)
      if (options.mode !== undefined && options.mode !== FILE_MODE) await handle.chmod(options.mode)
      await handle.sync()
    } finally {
      await handle.close()
    }

    await fs.rename(temp, file)
  } catch (error) {
    if (opened) await fs.rm(temp, {force: true})
    throw (
      options.error?.(error as Error) ??
      new CliError(`Could not write ${file}: ${(error as Error).message}`, {
        code: 'config_unwritable',
        suggestion: `Check the permissions of ${path.dirname(file)} and the free space there`,
      })
    )
  } finally {
    secretTemps.delete(temp)
  }
}

/**
 * Writes JSON so that a reader sees the old or the new file, never half of one (writeFileAtomic,
 * mode 0600). Call under the file's lock (withFileLock), which also makes sure the directory exists.
 */
export async function writeJsonFileAtomic(file: string, data: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n')
}
