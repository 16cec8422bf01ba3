/**
 * Reads every file named on the command line with readPythonProfilesDb, one after the other, and
 * prints one JSON line each: how it ended (rows or the one-line CliError), the time it took and
 * the heap in use after it. Run with a small --max-old-space-size, a file that exhausts memory
 * kills this process (exit 134) instead of passing.
 */
import {CliError} from '../../src/errors.js'
import {readPythonProfilesDb} from '../../src/stores/python-profiles-db.js'

for (const file of process.argv.slice(2)) {
  const start = performance.now()
  let outcome: Record<string, unknown>
  try {
    const db = await readPythonProfilesDb(file, {busyWaitMs: 0})
    outcome = {environments: db.environments.length, profiles: db.profiles.length}
  } catch (error) {
    outcome = error instanceof CliError ? {code: error.code, line: error.message} : {unexpected: String((error as Error)?.stack ?? error)}
  }

  const ms = performance.now() - start
  globalThis.gc?.()
  process.stdout.write(`${JSON.stringify({file, heapMb: process.memoryUsage().heapUsed / 2 ** 20, ms, ...outcome})}\n`)
}
