import {expect} from 'chai'
import {promises as fs, writeFileSync} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {debugEnabled} from '../../src/errors.js'
import {KEYCHAIN_SERVICE, SecretStore, secretStoreMode} from '../../src/stores/secret-store.js'
import {tempConfigDir} from '../support/cli.js'
import {keychainAvailable, keytar} from '../support/keychain.js'

describe('SecretStore', () => {
  let dir: string
  let cleanup: () => void
  let warnings: string[]
  const account = () => `profile:test-${process.pid}-${Math.random().toString(36).slice(2)}`

  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
    warnings = []
  })
  afterEach(() => cleanup())

  describe('with the real OS keychain (gnome-keyring over D-Bus)', () => {
    before(async function () {
      if (!(await keychainAvailable())) this.skip()
    })

    it('stores, reads and deletes in the keychain under service llamactl, never in a file', async () => {
      const store = new SecretStore({dir, warn: (m) => warnings.push(m)})
      const acct = account()
      await store.set(acct, {apiKey: 'llx-secret-value-1'})
      expect(await store.backend()).to.equal('keychain')
      expect(JSON.parse((await keytar().getPassword(KEYCHAIN_SERVICE, acct))!)).to.deep.equal({apiKey: 'llx-secret-value-1'})
      expect(await store.get(acct)).to.deep.equal({apiKey: 'llx-secret-value-1'})
      expect(await fs.readdir(dir)).to.deep.equal([])
      expect(await store.delete(acct)).to.equal(true)
      expect(await keytar().getPassword(KEYCHAIN_SERVICE, acct)).to.equal(null)
      expect(await store.get(acct)).to.equal(null)
      expect(warnings).to.deep.equal([])
    })

    it('keeps secrets from an earlier file-fallback run readable, and moves them on the next write', async () => {
      const acct = account()
      await new SecretStore({dir, mode: 'file', warn: () => {}}).set(acct, {apiKey: 'from-file'})
      const store = new SecretStore({dir, warn: (m) => warnings.push(m)})
      expect(await store.get(acct)).to.deep.equal({apiKey: 'from-file'})
      await store.set(acct, {apiKey: 'now-in-keychain'})
      const file = JSON.parse(await fs.readFile(store.file, 'utf8'))
      expect(file.secrets).to.deep.equal({})
      expect(await store.get(acct)).to.deep.equal({apiKey: 'now-in-keychain'})
      await store.delete(acct)
    })

    it('LLAMACTL_SECRET_STORE=file never touches the keychain', async () => {
      const acct = account()
      const store = new SecretStore({dir, mode: 'file', warn: (m) => warnings.push(m)})
      await store.set(acct, {apiKey: 'file-only'})
      expect(await keytar().getPassword(KEYCHAIN_SERVICE, acct)).to.equal(null)
      expect((await fs.stat(store.file)).mode & 0o777).to.equal(0o600)
      expect(warnings).to.deep.equal([])
    })
  })

  describe('without a keychain', () => {
    // keytar failing to load can't be produced in-process once it has loaded: a loader that throws stands in.
    const brokenKeytar = async () => {
      throw new Error('Cannot find module keytar.node')
    }

    it('[fake: keytar load failure] falls back to a 0600 file and warns once, pointing at config show-db (which names it)', async () => {
      const store = new SecretStore({dir, loadKeytar: brokenKeytar, warn: (m) => warnings.push(m)})
      await store.set('profile:a', {apiKey: 'k1'})
      await store.set('profile:b', {apiKey: 'k2'})
      expect(await store.get('profile:a')).to.deep.equal({apiKey: 'k1'})
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.include('No OS keychain').and.include('`llamactl config show-db`')
      expect((await fs.stat(store.file)).mode & 0o777).to.equal(0o600)
      expect(await store.delete('profile:a')).to.equal(true)
      expect(await store.get('profile:a')).to.equal(null)
      expect(await store.get('profile:b')).to.deep.equal({apiKey: 'k2'})
    })

    it('[fake: keytar whose calls fail, as without D-Bus] the first real call is the probe: the file, one short warning once per process, the cause kept for status and DEBUG', async () => {
      const calls: string[] = []
      const noBus = async () => ({
        async deletePassword(): Promise<boolean> {
          throw new Error('unused')
        },
        async getPassword(_service: string, account: string): Promise<null> {
          calls.push(account)
          throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')
        },
        async setPassword(): Promise<void> {
          throw new Error('unused')
        },
      })
      const warned = new Set<string>()
      const stderr: string[] = []
      const write = process.stderr.write.bind(process.stderr)
      const debug = process.env.DEBUG
      process.env.DEBUG = 'llamactl*'
      process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write
      try {
        const store = new SecretStore({dir, loadKeytar: noBus, warn: (m) => warnings.push(m), warned})
        expect(await store.get('profile:a')).to.equal(null)
        await store.set('profile:a', {apiKey: 'k1'})
        expect(await store.get('profile:a')).to.deep.equal({apiKey: 'k1'})
        expect(await store.backend()).to.equal('file')
        // A second store of the same process (another service of the command) says nothing more.
        await new SecretStore({dir, loadKeytar: noBus, warn: (m) => warnings.push(m), warned}).get('profile:a')
        expect(calls, 'no separate probe: the first read was it').to.deep.equal(['profile:a', 'profile:a'])
        expect(warnings).to.deep.equal(['No OS keychain found: secrets go to a file only you can read (`llamactl config show-db`)'])
        expect(store.fallbackCause).to.equal('Cannot autolaunch D-Bus without X11 $DISPLAY')
        expect(stderr.join('')).to.include('llamactl: no OS keychain: Cannot autolaunch D-Bus without X11 $DISPLAY')
      } finally {
        process.stderr.write = write
        if (debug === undefined) delete process.env.DEBUG
        else process.env.DEBUG = debug
      }
    })

    it('debugEnabled: DEBUG=llamactl*, llamactl:*, * or 1 among its names; nothing else', () => {
      for (const on of ['llamactl*', 'llamactl:*', '*', 'express,llamactl*', '1', 'llamactl']) expect(debugEnabled(on), on).to.equal(true)
      for (const off of [undefined, '', 'express', 'llamactlx', '0']) expect(debugEnabled(off), String(off)).to.equal(false)
    })

    it('[fake: keytar load failure] LLAMACTL_SECRET_STORE=keychain makes it an error', async () => {
      const store = new SecretStore({dir, loadKeytar: brokenKeytar, mode: 'keychain', warn: (m) => warnings.push(m)})
      const error = (await store.set('profile:a', {apiKey: 'k'}).catch((e: unknown) => e)) as CliError
      expect(error).to.be.instanceOf(CliError)
      expect(error.code).to.equal('keychain_unavailable')
      expect(await fs.readdir(dir)).to.deep.equal([])
    })

    it('[fake: a keychain that never answers] times out instead of hanging', async () => {
      const hanging = {
        deletePassword: () => new Promise<boolean>(() => {}),
        getPassword: () => new Promise<null>(() => {}),
        setPassword: () => new Promise<void>(() => {}),
      }
      const store = new SecretStore({dir, loadKeytar: async () => hanging, mode: 'keychain', timeoutMs: 200, warn: () => {}})
      const started = Date.now()
      const error = (await store.get('profile:a').catch((e: unknown) => e)) as CliError
      expect(error.line).to.include('did not answer within 0.2s')
      expect(Date.now() - started).to.be.lessThan(5000)
    })
  })

  it('refuses a secrets file it does not understand rather than rewrite it', async () => {
    const file = path.join(dir, 'secrets.json')
    writeFileSync(file, JSON.stringify({schemaVersion: 2, vault: {'profile:a': 'x'}}))
    const store = new SecretStore({dir, mode: 'file', warn: () => {}})
    expect(((await store.set('profile:b', {apiKey: 'k'}).catch((e: unknown) => e)) as CliError).code).to.equal('secrets_corrupt')
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).to.deep.equal({schemaVersion: 2, vault: {'profile:a': 'x'}})
  })

  for (const [what, content] of [
    ['a secret that is a number', {schemaVersion: 1, secrets: {'profile:a': 5}}],
    ['schemaVersion "1"', {schemaVersion: '1', secrets: {}}],
    ['secrets: null', {schemaVersion: 1, secrets: null}],
  ] as const) {
    it(`refuses a secrets file with ${what} (secrets_corrupt naming the file) and never rewrites it`, async () => {
      const file = path.join(dir, 'secrets.json')
      const text = JSON.stringify(content)
      writeFileSync(file, text)
      const store = new SecretStore({dir, mode: 'file', warn: () => {}})
      for (const attempt of [() => store.get('profile:a'), () => store.set('profile:b', {apiKey: 'k'}), () => store.delete('profile:a')]) {
        const error = (await attempt().catch((e: unknown) => e)) as CliError
        expect(error.code, what).to.equal('secrets_corrupt')
        expect(error.line).to.include(file)
      }

      expect(await fs.readFile(file, 'utf8')).to.equal(text)
    })
  }

  it('refuses a secrets file that is not JSON as secrets_corrupt, naming it', async () => {
    writeFileSync(path.join(dir, 'secrets.json'), '{"schemaVersion": 1, "secr')
    const error = (await new SecretStore({dir, mode: 'file', warn: () => {}}).get('profile:a').catch((e: unknown) => e)) as CliError
    expect(error.code).to.equal('secrets_corrupt')
    expect(error.line).to.include(path.join(dir, 'secrets.json'))
  })

  it('says a damaged stored secret is unreadable without showing any of it', async () => {
    writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({schemaVersion: 1, secrets: {'profile:a': 'llx-0123456789abcdef'}}))
    const error = (await new SecretStore({dir, mode: 'file', warn: () => {}}).get('profile:a').catch((e: unknown) => e)) as CliError
    expect(error.code).to.equal('secrets_corrupt')
    expect(error.line).not.to.include('llx-01')
  })

  it('[fake: a keychain that never answers] is an error in auto mode too, never a quiet fallback to the file', async () => {
    const hanging = {
      deletePassword: () => new Promise<boolean>(() => {}),
      getPassword: () => new Promise<null>(() => {}),
      setPassword: () => new Promise<void>(() => {}),
    }
    const store = new SecretStore({dir, loadKeytar: async () => hanging, timeoutMs: 100, warn: (m) => warnings.push(m)})
    expect(((await store.set('profile:a', {apiKey: 'k'}).catch((e: unknown) => e)) as CliError).code).to.equal('keychain_timeout')
    expect(warnings).to.deep.equal([])
    expect(await fs.readdir(dir)).to.deep.equal([])
  })

  it('reads LLAMACTL_SECRET_STORE strictly', () => {
    expect(secretStoreMode(undefined)).to.equal('auto')
    expect(secretStoreMode('file')).to.equal('file')
    expect(secretStoreMode('keychain')).to.equal('keychain')
    expect(() => secretStoreMode('vault'))
      .to.throw(CliError)
      .with.property('exit', 2)
  })
})
