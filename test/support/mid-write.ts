import {ChildProcess, spawn} from 'node:child_process'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {ROOT} from './cli.js'

/** How a writer process ended. */
export interface Ended {
  code: null | number
  signal: NodeJS.Signals | null
}

/**
 * Starts a writer (a test/support script writing `target` again and again through a temp file),
 * pauses it (SIGSTOP) at arbitrary points until one catches its temp file of `target` holding
 * `marker` (bounded: `attempts` tries, `ms` milliseconds), and hands the stopped writer and that
 * temp file to `caught`, which sends the signals it wants and returns. The writer is SIGKILLed and
 * waited for afterwards in any case.
 */
export async function catchMidWrite<T>(
  writer: {args: string[]; script: string},
  target: string,
  marker: string,
  bounds: {attempts: number; ms: number},
  caught: (child: ChildProcess, temp: string, ended: Promise<Ended>) => Promise<T>,
): Promise<T> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support', writer.script), ...writer.args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const ended = new Promise<Ended>((resolve) => child.once('close', (code, signal) => resolve({code, signal})))
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the writer made no write in 20 s')), 20_000)
      child.stdout!.once('data', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    const dir = path.dirname(target)
    const prefix = `.${path.basename(target)}.${child.pid}.`
    const deadline = Date.now() + bounds.ms
    for (let attempt = 0; attempt < bounds.attempts && Date.now() < deadline; attempt++) {
      child.kill('SIGSTOP')
      for (const name of await fs.readdir(dir)) {
        if (!name.startsWith(prefix)) continue
        const text = await fs.readFile(path.join(dir, name), 'utf8').catch(() => '')
        if (text.includes(marker)) return await caught(child, path.join(dir, name), ended)
      }

      child.kill('SIGCONT')
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 8))
    }

    throw new Error('never caught the writer with its temp file written')
  } finally {
    child.kill('SIGKILL')
    await ended
  }
}
