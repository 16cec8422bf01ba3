import {ensurePrivateDir, removeAbandonedTemps} from './json-file.js'
import {CliError} from '../errors.js'

/** A lock whose holder stopped refreshing it (a killed process) is taken over after this long. */
const STALE_MS = 5000

export interface LockOptions {
  /** How long to wait for another process to release the lock (default 30 s). */
  waitMs?: number
}

/**
 * Runs `fn` while holding a cross-process lock named by `file` (a `<file>.lock` directory),
 * so that read-modify-write cycles of several llamactl processes never lose each other's writes.
 * The holder refreshes the lock while it runs; one left by a killed process goes stale after 5 s
 * and is taken over. Temp files that killed writers of `file` left behind are removed first.
 */
export async function withFileLock<T>(dir: string, file: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  await ensurePrivateDir(dir)
  const {default: lockfile} = await import('proper-lockfile')
  const waitMs = options.waitMs ?? 30_000
  let compromised: Error | undefined
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(file, {
      lockfilePath: `${file}.lock`,
      // Without a handler proper-lockfile throws from a timer: an uncaught crash.
      onCompromised(error) {
        compromised = error
      },
      realpath: false,
      retries: {factor: 1.2, maxTimeout: 200, minTimeout: 10, randomize: true, retries: Math.ceil(waitMs / 150)},
      stale: STALE_MS,
    })
  } catch (error) {
    throw new CliError(`Another llamactl kept ${file} locked for ${Math.round(waitMs / 1000)}s (${(error as Error).message})`, {
      code: 'config_locked',
      suggestion: 'Wait for it to finish and try again',
    })
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
