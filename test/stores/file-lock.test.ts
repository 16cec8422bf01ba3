import {expect} from 'chai'
import {chmodSync, mkdirSync, promises as fs, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {StateStore} from '../../src/stores/state-store.js'
import {tempConfigDir} from '../support/cli.js'
import {fails, Fixture, ok, setUp} from '../support/fixture.js'

describe('the config dir and its locks', () => {
  let dir: string
  let cleanup: () => void
  let warnings: string[]
  const warn = (message: string) => warnings.push(message)

  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
    warnings = []
  })
  afterEach(() => cleanup())

  it('creates a missing config dir 0700, whatever the umask', async () => {
    const configDir = path.join(dir, 'new', 'llamactl')
    const umask = process.umask(0o000)
    try {
      await new StateStore(configDir, {warn}).update(() => {})
    } finally {
      process.umask(umask)
    }

    expect(statSync(configDir).mode & 0o7777).to.equal(0o700)
    expect(warnings).to.deep.equal([])
  })

  it('leaves a shared 1777 dir as it is, warning once per process that others can write to it', async () => {
    const shared = path.join(dir, 'shared')
    mkdirSync(shared)
    chmodSync(shared, 0o1777)
    const store = new StateStore(shared, {warn})
    await store.update(() => {})
    await store.update(() => {})
    await new StateStore(shared, {warn}).update(() => {})
    expect(statSync(shared).mode & 0o7777).to.equal(0o1777)
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.include(shared).and.include('other users can write').and.include('chmod go-w')
    expect(statSync(path.join(shared, 'config.json')).mode & 0o777).to.equal(0o600)
  })

  it("leaves the user's own 0500 dir as it is (no chmod to 0700) and does not warn", async () => {
    const own = path.join(dir, 'own')
    mkdirSync(own)
    chmodSync(own, 0o500)
    // As root the write itself succeeds; as a user it fails with one line (see below). Either way the mode stays.
    await new StateStore(own, {warn}).update(() => {}).catch(() => {})
    expect(statSync(own).mode & 0o7777).to.equal(0o500)
    expect(warnings).to.deep.equal([])
  })

  it('a config dir path that is a regular file is a one-line error at once', async () => {
    const file = path.join(dir, 'not-a-dir')
    writeFileSync(file, 'x')
    for (const attempt of [() => new StateStore(file).update(() => {}), () => new StateStore(file).read()]) {
      const started = Date.now()

      const error = (await attempt().catch((e: unknown) => e)) as CliError
      expect(error.code).to.equal('config_dir_invalid')
      expect(error.line).to.include(`${file} is not a directory`)
      expect(Date.now() - started).to.be.lessThan(2000)
    }
  })

  it('a regular file where the lock directory should be is a one-line error at once, not a 30 s wait', async () => {
    writeFileSync(path.join(dir, 'config.json.lock'), '')
    const started = Date.now()
    const error = (await new StateStore(dir).update(() => {}).catch((e: unknown) => e)) as CliError
    expect(error.code).to.equal('config_lock_invalid')
    expect(error.line).to.include(`${path.join(dir, 'config.json.lock')} is a file`)
    expect(Date.now() - started).to.be.lessThan(2000)
    expect(await fs.readdir(dir)).to.deep.equal(['config.json.lock'])
  })

  it('still waits for a lock another process holds, and takes it when released', async () => {
    mkdirSync(path.join(dir, 'config.json.lock'))
    setTimeout(() => fs.rm(path.join(dir, 'config.json.lock'), {recursive: true}), 300)
    const started = Date.now()
    await new StateStore(dir).update(() => {})
    expect(Date.now() - started).to.be.greaterThan(250)
  })

  describe('at the command line', () => {
    let f: Fixture
    beforeEach(async () => {
      f = await setUp({inProcess: true})
    })
    afterEach(() => f.cleanup())

    it('LLAMACTL_CONFIG_DIR naming a file: one line, exit 1, for reads and writes', async () => {
      const file = path.join(f.dir, 'config.json')
      for (const args of [
        ['auth', 'list'],
        ['auth', 'token', '--api-key', f.key, '--project-id', 'p1'],
      ]) {
        fails(await f.run(args, {env: {LLAMACTL_CONFIG_DIR: file}}), 1, /is not a directory/)
      }
    })

    it('a file at config.json.lock: one line at once naming it, nothing written', async () => {
      const before = f.configText()
      writeFileSync(path.join(f.dir, 'config.json.lock'), '')
      const started = Date.now()
      fails(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']), 1, /config\.json\.lock is a file/)
      expect(Date.now() - started).to.be.lessThan(10_000)
      expect(f.configText()).to.equal(before)
    })

    it('a shared 1777 config dir: the command works, says once that others can write there, and leaves the mode', async () => {
      chmodSync(f.dir, 0o1777)
      const result = ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
      expect(result.stderr.match(/other users can write/g)).to.have.length(1)
      expect(statSync(f.dir).mode & 0o7777).to.equal(0o1777)
    })
  })
})
