import {ensurePrivateDir} from './json-file.js'
import {CliError} from '../errors.js'

const STALE_MS = 5000

/**
 * Runs `fn` while holding a cross-process lock named by `file` (a `<file>.lock` directory),
 * so that read-modify-write cycles of several llamactl processes never lose each other's writes.
 * A lock left by a killed process goes stale after 5 s and is taken over (the holder refreshes it meanwhile).
 */
export async function withFileLock<T>(dir: string, file: string, fn: () => Promise<T>): Promise<T> {
  await ensurePrivateDir(dir)
  const {default: lockfile} = await import('proper-lockfile')
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(file, {
      lockfilePath: `${file}.lock`,
      realpath: false,
      retries: {factor: 1.3, maxTimeout: 200, minTimeout: 10, randomize: true, retries: 150},
      stale: STALE_MS,
    })
  } catch (error) {
    throw new CliError(`Could not lock ${file}: ${(error as Error).message}`, {
      code: 'config_locked',
      suggestion: `Another llamactl may be stuck; if none is running, remove ${file}.lock`,
    })
  }

  try {
    return await fn()
  } finally {
    await release().catch(() => {})
  }
}
