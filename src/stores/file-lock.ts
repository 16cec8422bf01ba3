import {promises as fs} from 'node:fs'
import path from 'node:path'

import {ensureConfigDir, removeAbandonedTemps} from './json-file.js'
import {CliError} from '../errors.js'

/** A lock whose holder stopped refreshing it (a killed process) is taken over after this long. */
const STALE_MS = 5000

export interface LockOptions {
  /** Whether `dir` is the config dir, created when missing and checked (default); false for a directory of the user's (a .env's). */
  configDir?: boolean
  /** How long to wait for another process to release the lock (default 30 s). */
  waitMs?: number
  /** Receives the warning about a config dir other users can write to. */
  warn?: (message: string) => void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `fn` while holding a cross-process lock named by `file` (a `<file>.lock` directory),
 * so that read-modify-write cycles of several llamactl processes never lose each other's writes.
 * The holder refreshes the lock while it runs; one left by a killed process goes stale after 5 s
 * and is taken over. Temp files that killed writers of `file` left behind are removed first.
 * Only "held by another process" is waited for: anything else (a file where the lock directory
 * should be, a directory we can't write to) is an error at once.
 */
export async function withFileLock<T>(dir: string, file: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  if (options.configDir !== false) await ensureConfigDir(dir, options.warn)
  const lockPath = `${file}.lock`
  const {default: lockfile} = await import('proper-lockfile')
  const waitMs = options.waitMs ?? 30_000
  const deadline = Date.now() + waitMs
  let compromised: Error | undefined
  let release: () => Promise<void>
  for (let attempt = 0; ; attempt++) {
    // proper-lockfile would take a regular file there for a lock and retry on it until the deadline.

    const existing = await fs.lstat(lockPath).catch(() => null)
    if (existing && !existing.isDirectory())
      throw new CliError(`${lockPath} is a file, where llamactl keeps the lock directory of ${path.basename(file)}`, {
        code: 'config_lock_invalid',
        suggestion: `Remove it (rm ${lockPath}) and try again`,
      })
    try {
      release = await lockfile.lock(file, {
        lockfilePath: lockPath,
        // Without a handler proper-lockfile throws from a timer: an uncaught crash.
        onCompromised(error) {
          compromised = error
        },
        realpath: false,
        retries: 0,
        stale: STALE_MS,
      })
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED')
        throw new CliError(`Could not lock ${file}: ${(error as Error).message}`, {
          code: 'config_unwritable',
          suggestion: `Check the permissions of ${dir}`,
        })
      if (Date.now() >= deadline)
        throw new CliError(`Another llamactl kept ${file} locked for ${Math.round(waitMs / 1000)}s`, {
          code: 'config_locked',
          suggestion: 'Wait for it to finish and try again',
        })

      await sleep(Math.min(200, 10 * 1.2 ** attempt) * (0.5 + Math.random()))
    }
  }

  try {
    await removeAbandonedTemps(file)
    const result = await fn()
    if (compromised)
      throw new CliError(`Lost the lock on ${file} while writing (${compromised.message})`, {
        code: 'config_locked',
        suggestion: 'Check the result with `llamactl auth list` and try again',
      })
    return result
  } finally {
    await release().catch(() => {})
  }
}
