import {expect} from 'chai'
import {ChildProcess, spawn} from 'node:child_process'
import {promises as fs} from 'node:fs'
import {constants} from 'node:os'
import path from 'node:path'

import {ROOT, tempConfigDir} from '../support/cli.js'

/**
 * A .env writer (updateDotenvFile, as `auth inject` writes) stopped while its temp file holds the
 * key, then sent SIGTERM, SIGINT or SIGHUP and let go on: the temp file must be gone when the
 * process has ended, and the process must end as that signal ends it.
 */
describe('.env temp files holding the key are removed on SIGTERM, SIGINT and SIGHUP (a real writer process)', function () {
  this.timeout(120_000)
  let dir: string
  let cleanup: () => void

  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
  })
  afterEach(() => cleanup())

  const temps = async () => (await fs.readdir(dir)).filter((name) => name.endsWith('.tmp'))

  /** Stops the writer (SIGSTOP) until its temp file holds the key, then sends `signal` and continues it. */
  async function signalMidWrite(signal: NodeJS.Signals, file: string, key: string) {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support/dotenv-writer.ts'), file, key], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const closed = new Promise<{code: null | number; signal: NodeJS.Signals | null}>((resolve) =>
      child.once('close', (code, sig) => resolve({code, signal: sig})),
    )
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the writer made no write in 20 s')), 20_000)
        child.stdout!.once('data', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      const prefix = `.${path.basename(file)}.${child.pid}.`
      const deadline = Date.now() + 60_000
      for (let attempt = 0; attempt < 500 && Date.now() < deadline; attempt++) {
        child.kill('SIGSTOP')
        for (const name of await fs.readdir(dir)) {
          if (!name.startsWith(prefix)) continue
          const text = await fs.readFile(path.join(dir, name), 'utf8').catch(() => '')
          if (!text.includes(key)) continue
          child.kill(signal)
          child.kill('SIGCONT')
          return {caught: name, ended: await closed}
        }

        child.kill('SIGCONT')
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 8))
      }

      throw new Error('never caught the writer with its temp file written')
    } finally {
      child.kill('SIGKILL')
      await closed
    }
  }

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
    it(`${signal} while the temp file holds the key: the temp file is gone and the writer ends by ${signal}`, async () => {
      const file = path.join(dir, '.env')
      const key = `llx-${signal.toLowerCase()}-inject-key`
      const {caught, ended} = await signalMidWrite(signal, file, key)
      expect(caught).to.match(/\.tmp$/)
      expect(await temps(), 'the signal left the temp file with the key').to.deep.equal([])
      // Ended as the signal ends a process: killed by it (or Node's 128 + n for it).
      expect([ended.signal, ended.code], JSON.stringify(ended)).to.satisfy(
        ([sig, code]: [null | string, null | number]) => sig === signal || code === 128 + constants.signals[signal],
      )
      // The .env itself is whole: one of the writes, never half of one.
      expect(await fs.readFile(file, 'utf8')).to.match(new RegExp(`^LLAMA_CLOUD_API_KEY=${key}-\\d+\\n$`))
    })
})
