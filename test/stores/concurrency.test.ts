import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {updateDotenvFile} from '../../src/stores/dotenv-file.js'
import {SecretStore} from '../../src/stores/secret-store.js'
import {StateStore} from '../../src/stores/state-store.js'
import {ROOT} from '../support/cli.js'
import {Fixture, setUp} from '../support/fixture.js'
import {catchMidWrite} from '../support/mid-write.js'

describe('several llamactl processes at once', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true})
  })
  afterEach(() => f.cleanup())

  it('a process killed mid-write leaves a readable config behind', async function () {
    this.timeout(90_000)
    const dir = path.join(f.dir, 'killed')
    // A new store for each read: a StateStore reads the file once and then answers from memory.
    const fresh = () => new StateStore(dir)
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support/state-writer.ts'), dir], {stdio: ['ignore', 'pipe', 'inherit']})
      // Wait for a few completed writes, then kill at an arbitrary point of the next ones.

      await new Promise<void>((resolve, reject) => {
        let lines = 0
        const timer = setTimeout(() => reject(new Error('the writer made no progress in 20 s')), 20_000)
        child.stdout!.on('data', (d: Buffer) => {
          lines += d.toString().split('\n').length - 1
          if (lines < 2 + round) return
          clearTimeout(timer)
          setTimeout(
            () => {
              child.kill('SIGKILL')
              resolve()
            },
            3 + round * 7,
          )
        })
      })

      await new Promise((resolve) => child.once('close', resolve))

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

  /**
   * Starts a writer (a test/support script), and SIGKILLs it at a moment when its temp file of
   * `target` exists and holds `marker`: the writer is paused (SIGSTOP) at arbitrary points until
   * one catches it mid-write (bounded: 300 tries, 40 s). Returns the temp file left behind.
   */
  const killMidWrite = (script: string, args: string[], target: string, marker: string): Promise<string> =>
    catchMidWrite({args, script}, target, marker, {attempts: 300, ms: 40_000}, async (child, temp) => {
      child.kill('SIGKILL')
      return temp
    })

  const temps = async (dir: string) => (await fs.readdir(dir)).filter((name) => name.endsWith('.tmp'))

  it('a secrets.json writer killed with a key in its temp file: the next write removes that file', async function () {
    this.timeout(90_000)
    const dir = path.join(f.dir, 'secrets-killed')
    await fs.mkdir(dir, {mode: 0o700})
    const key = 'llx-killed-writer-key'
    const left = await killMidWrite('secret-writer.ts', [dir, key], path.join(dir, 'secrets.json'), key)
    expect(await temps(dir), 'the kill left the temp file').to.deep.equal([path.basename(left)])
    // The killed writer's lock goes stale (5 s) and is taken over; the temp file goes under it.
    await new SecretStore({dir, mode: 'file', warn: () => {}}).set('profile:next', {apiKey: 'other'})
    expect(await temps(dir)).to.deep.equal([])
  })

  it('a .env writer (auth inject) killed with the key in its temp file: the next write removes that file', async function () {
    this.timeout(90_000)
    const dir = path.join(f.dir, 'dotenv-killed')
    await fs.mkdir(dir, {mode: 0o700})
    const file = path.join(dir, '.env')
    const key = 'llx-killed-inject-key'
    const left = await killMidWrite('dotenv-writer.ts', [file, key], file, key)
    expect(await temps(dir), 'the kill left the temp file').to.deep.equal([path.basename(left)])
    // As with secrets.json: the killed writer's lock goes stale (5 s), and the temp file goes under it.
    await updateDotenvFile(file, [['LLAMA_CLOUD_API_KEY', 'llx-next']], {secret: true})
    expect(await temps(dir)).to.deep.equal([])
    expect(await fs.readFile(file, 'utf8')).to.equal('LLAMA_CLOUD_API_KEY=llx-next\n')
  })

  it('a config.json writer killed with its temp file written: the next update removes that file', async function () {
    this.timeout(90_000)
    const dir = path.join(f.dir, 'config-killed')
    await fs.mkdir(dir, {mode: 0o700})
    const left = await killMidWrite('state-writer.ts', [dir, '20'], path.join(dir, 'config.json'), 'profile-')
    expect(await temps(dir), 'the kill left the temp file').to.deep.equal([path.basename(left)])
    await new StateStore(dir).update((doc) => {
      doc.profiles = []
    })
    expect(await temps(dir)).to.deep.equal([])
  })

  it('leaves the temp file of a writer that is still alive (its lock was taken over, it may still rename)', async () => {
    const dir = path.join(f.dir, 'alive')
    await fs.mkdir(dir, {mode: 0o700})
    // A live process other than this one: a temp file under its pid stands for a live writer's.
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], {stdio: 'ignore'})
    try {
      const name = `.config.json.${alive.pid}.abc123.tmp`
      await fs.writeFile(path.join(dir, name), '{}')
      await new StateStore(dir).update(() => {})
      expect(await temps(dir)).to.deep.equal([name])
    } finally {
      alive.kill('SIGKILL')
    }
  })
})
