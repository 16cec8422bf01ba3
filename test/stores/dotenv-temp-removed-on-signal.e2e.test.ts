import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import {constants} from 'node:os'
import path from 'node:path'

import {tempConfigDir} from '../support/cli.js'
import {catchMidWrite} from '../support/mid-write.js'

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
  const signalMidWrite = (signal: NodeJS.Signals, file: string, key: string) =>
    catchMidWrite({args: [file, key], script: 'dotenv-writer.ts'}, file, key, {attempts: 500, ms: 60_000}, async (child, temp, ended) => {
      child.kill(signal)
      child.kill('SIGCONT')
      return {caught: path.basename(temp), ended: await ended}
    })

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
