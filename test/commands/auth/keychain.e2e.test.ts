import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {statSync} from 'node:fs'
import path from 'node:path'

import {ROOT} from '../../support/cli.js'
import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {STAND_IN_BROWSER} from '../../support/login-session.js'
import {ALICE, TestOidcProvider} from '../../support/oidc-provider.js'
import {keychainAvailable, PrivateKeyring, startPrivateKeyring, withoutDbus} from '../../support/keychain.js'
import {allConfigText, authTokenKeyInKeychainOnly} from './keychain.cases.js'

describe('secrets at the command line', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({secretStore: 'auto'})
  })
  afterEach(() => f.cleanup())

  describe('with the real OS keychain', () => {
    before(async function () {
      if (!(await keychainAvailable())) this.skip()
    })

    it('auth token puts the key in the keychain only; logout takes it out', () => authTokenKeyInKeychainOnly(f))
  })

  describe('with a real gnome-keyring that is locked (its own D-Bus session)', function () {
    this.timeout(60_000)
    let keyring: PrivateKeyring
    beforeEach(async () => {
      keyring = await startPrivateKeyring()
    })
    afterEach(async () => keyring.stop())

    const runIn = (args: string[]) => f.run(args, {env: keyring.env})
    /** The keychain account of a profile, from config.json. */
    const accountOf = (name: string) => `profile:${JSON.parse(f.configText()).profiles.find((p: {name: string}) => p.name === name).id}`
    const names = async () => json(ok(await runIn(['auth', 'list', '--json']))).profiles.map((p: {name: string}) => p.name)

    it('a read the locked keychain did not carry out is a keychain_locked error saying how to unlock, never "missing"', async () => {
      ok(await runIn(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kc']))
      await keyring.lock()
      const result = await runIn(['auth', 'project', 'p2'])
      fails(result, 1, /keychain is locked.*could not be read.*gnome-keyring-daemon --replace --unlock/)
      expect(result.stderr).not.to.match(/missing|sign in again/)
      expect(json(await runIn(['auth', 'project', 'p2', '--json'])).error.code).to.equal('keychain_locked')
      expect(JSON.parse(f.configText()).profiles[0].projectId).to.equal('p1')
    })

    it('a write into the locked keychain is a keychain_locked error, and no profile is saved', async () => {
      ok(await runIn(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kc']))
      await keyring.lock()
      fails(await runIn(['auth', 'token', '--api-key', f.server.addKey(), '--project-id', 'p1', '--name', 'new']), 1, /keychain is locked.*could not be stored/)
      expect(await names()).to.deep.equal(['kc'])
    })

    it('auth logout with the keychain locked changes nothing (exit 1); --force drops the profile and names the entry left behind', async () => {
      ok(await runIn(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kc']))
      const account = accountOf('kc')
      await keyring.lock()
      const before = f.configText()
      fails(await runIn(['auth', 'logout', 'kc']), 1, /keychain is locked.*profile kc is unchanged.*--force/)
      expect(f.configText()).to.equal(before)
      expect(await keyring.entry(account)).to.equal('locked')

      const forced = ok(await runIn(['auth', 'logout', 'kc', '--force']))
      expect(forced.stderr).to.include(`Warning: The keychain is locked: the entry of service llamactl, account ${account} stays there`)
      expect(forced.stderr).not.to.include('secrets are deleted')
      expect(await names()).to.deep.equal([])
      expect(await keyring.entry(account)).to.equal('locked')
    })

    it('after unlocking the way the error says (gnome-keyring-daemon --replace --unlock), the same logout takes the key out', async () => {
      ok(await runIn(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kc']))
      const account = accountOf('kc')
      await keyring.lock()
      fails(await runIn(['auth', 'logout', 'kc']), 1, /keychain is locked/)
      await keyring.unlock()
      expect(await keyring.entry(account)).to.equal('unlocked')
      ok(await runIn(['auth', 'logout', 'kc']))
      expect(await keyring.entry(account)).to.equal('absent')
      expect(await names()).to.deep.equal([])
    })

    it('auth env delete with the keychain locked changes nothing', async () => {
      ok(await runIn(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kc']))
      await keyring.lock()
      const before = f.configText()
      fails(await runIn(['auth', 'env', 'delete', f.server.url]), 1, /keychain is locked/)
      expect(f.configText()).to.equal(before)
    })

    it('a login profile: logout with the keychain locked revokes nothing; --force says its key was not revoked', async () => {
      const op = await new TestOidcProvider().start()
      try {
        op.attach(f.server)
        const browser = {BROWSER: STAND_IN_BROWSER, LLAMACTL_TEST_BROWSER_ACTION: 'approve', LLAMACTL_TEST_BROWSER_EMAIL: ALICE.email}
        ok(await f.run(['auth', 'login', '--project-id', 'p1'], {env: {...keyring.env, ...browser}, timeoutMs: 30_000}))
        const {keyId} = JSON.parse(f.configText()).profiles.find((p: {name: string}) => p.name === ALICE.email)
        await keyring.lock()
        fails(await runIn(['auth', 'logout', ALICE.email]), 1, /keychain is locked.*unchanged/)
        expect(f.server.calls(`/api/v1/api-keys/${keyId}`, 'DELETE')).to.deep.equal([])
        expect(f.server.minted.has(keyId)).to.equal(true)

        const forced = ok(await runIn(['auth', 'logout', ALICE.email, '--force']))
        expect(forced.stderr).to.include(`The CLI API key ${keyId} on ${f.server.url} was not revoked`)
        expect(f.server.calls(`/api/v1/api-keys/${keyId}`, 'DELETE')).to.deep.equal([])
        expect(await names()).to.deep.equal([])
      } finally {
        await op.stop()
      }
    })

    it('an entry that is simply absent from an unlocked keychain still reads as missing, not locked', async () => {
      ok(await runIn(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kc']))
      const account = accountOf('kc')
      // Removed behind llamactl's back: gone for real, so "missing, sign in again" is right.
      await new Promise<void>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['-e', `require('keytar').deletePassword('llamactl', ${JSON.stringify(account)}).then((r) => process.exit(r ? 0 : 3))`],
          {
            cwd: ROOT,
            env: {...process.env, DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS},
            stdio: 'inherit',
          },
        )
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`keytar delete exited ${code}`))))
      })
      fails(await runIn(['auth', 'project', 'p2']), 1, /missing/)
      ok(await runIn(['auth', 'logout', 'kc']))
    })
  })

  describe('without a D-Bus session (no keychain)', () => {
    it('falls back to a 0600 file, warning once per command in one line under 100 columns that points at config show-db', async () => {
      const env = withoutDbus()
      const result = ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env}))
      const warnings = result.stderr.split('\n').filter((l) => l.startsWith('Warning:'))
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.equal('Warning: No OS keychain found: secrets go to a file only you can read (`llamactl config show-db`)')
      expect(warnings[0].length).to.be.below(100)
      expect(statSync(path.join(f.dir, 'secrets.json')).mode & 0o777).to.equal(0o600)
      expect(f.configText()).not.to.include(f.key)
      // Commands that don't need secrets don't touch the store, so they don't warn.
      expect(ok(await f.run(['auth', 'list'], {env})).stderr).to.equal('')
      expect(ok(await f.run(['auth', 'project', 'p2'], {env})).stderr.match(/Warning:/g)).to.have.length(1)
    })

    it('the cause (the D-Bus error) is not in the warning: auth status shows it, and DEBUG=llamactl* prints it', async () => {
      const env = withoutDbus()
      const token = ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env}))
      expect(token.stderr).to.not.match(/D-Bus|DISPLAY|keytar/)
      const status = ok(await f.run(['auth', 'status', '--offline', '--json'], {env}))
      expect(json(status)).to.include({secretStore: 'file'})
      expect(json(status).keychainUnavailable)
        .to.be.a('string')
        .and.match(/D-Bus|keytar/)
      const text = ok(await f.run(['auth', 'status', '--offline'], {env}))
      expect(text.stdout).to.match(/^Secret store: +file \(no OS keychain: .+\)$/m)
      const debug = ok(await f.run(['auth', 'project', 'p2'], {env: {...env, DEBUG: 'llamactl*'}}))
      expect(debug.stderr).to.match(/^llamactl: no OS keychain: .*(D-Bus|keytar)/m)
    })

    it('LLAMACTL_SECRET_STORE=keychain makes it an error; nothing is stored and the current profile stays', async () => {
      const keep = f.server.addKey()
      ok(await f.run(['auth', 'token', '--api-key', keep, '--project-id', 'p1', '--name', 'keep'], {env: {LLAMACTL_SECRET_STORE: 'file'}}))
      const result = await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {...withoutDbus(), LLAMACTL_SECRET_STORE: 'keychain'}})
      fails(result, 1, /No OS keychain can be used/)
      const {profiles} = json(ok(await f.run(['auth', 'list', '--json'])))
      expect(profiles.map((p: {current: boolean; name: string}) => [p.name, p.current])).to.deep.equal([['keep', true]])
      expect(allConfigText(f.dir)).not.to.include(f.key)
    })

    it('a delete whose secrets cannot be removed changes nothing, so it can be retried', async () => {
      ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'stay'], {env: {LLAMACTL_SECRET_STORE: 'file'}}))
      const noKeychain = {...withoutDbus(), LLAMACTL_SECRET_STORE: 'keychain'}
      fails(await f.run(['auth', 'logout', 'stay'], {env: noKeychain}), 1, /No OS keychain can be used/)
      fails(await f.run(['auth', 'env', 'delete', f.server.url], {env: noKeychain}), 1, /No OS keychain can be used/)
      expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles.map((p: {name: string}) => p.name)).to.deep.equal(['stay'])
      ok(await f.run(['auth', 'env', 'delete', f.server.url], {env: {LLAMACTL_SECRET_STORE: 'file'}}))
      expect(allConfigText(f.dir)).not.to.include(f.key)
    })
  })
})
