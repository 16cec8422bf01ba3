import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {StateStore} from '../../src/stores/state-store.js'
import {ROOT} from '../support/cli.js'
import {Fixture, json, ok, setUp} from '../support/fixture.js'

describe('several llamactl processes at once', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  it('8 processes adding profiles at once: all 8 profiles and secrets are there afterwards', async () => {
    const keys = Array.from({length: 8}, () => f.server.addKey())
    const results = await Promise.all(
      keys.map((key, i) => f.run(['auth', 'token', '--api-key', key, '--project-id', 'p1', '--name', `proc-${i}`], {timeoutMs: 60_000})),
    )
    for (const result of results) ok(result)
    const {profiles} = json(ok(await f.run(['auth', 'list', '--json'])))
    expect(profiles.map((p: {name: string}) => p.name).sort()).to.deep.equal(keys.map((_, i) => `proc-${i}`).sort())
    const secrets = JSON.parse(await fs.readFile(path.join(f.dir, 'secrets.json'), 'utf8')).secrets
    expect(Object.keys(secrets)).to.have.length(8)
    for (const key of keys) expect(Object.values(secrets).some((v) => (v as string).includes(key))).to.equal(true)
  })

  it('a process killed mid-write leaves a readable config behind', async function () {
    this.timeout(90_000)
    const dir = path.join(f.dir, 'killed')
    // A new store for each read: a StateStore reads the file once and then answers from memory.
    const fresh = () => new StateStore(dir)
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support/state-writer.ts'), dir], {stdio: ['ignore', 'pipe', 'inherit']})
      // Wait for a few completed writes, then kill at an arbitrary point of the next ones.
      // eslint-disable-next-line no-await-in-loop
      await new Promise<void>((resolve, reject) => {
        let lines = 0
        const timer = setTimeout(() => reject(new Error('the writer made no progress in 20 s')), 20_000)
        child.stdout!.on('data', (d: Buffer) => {
          lines += d.toString().split('\n').length - 1
          if (lines < 2 + round) return
          clearTimeout(timer)
          setTimeout(() => {
            child.kill('SIGKILL')
            resolve()
          }, 3 + round * 7)
        })
      })
      // eslint-disable-next-line no-await-in-loop
      await new Promise((resolve) => child.once('close', resolve))
      // eslint-disable-next-line no-await-in-loop
      const doc = await fresh().read()
      expect(doc.profiles).to.have.length(2000)
      expect(doc.schemaVersion).to.equal(1)
    }

    // The lock a killed writer may have left goes stale, and writes go on.
    await fresh().update((doc) => {
      doc.profiles = []
    })
    expect((await fresh().read()).profiles).to.deep.equal([])
  })
})
