import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {keychainAvailable, keytar, withoutDbus} from '../../support/keychain.js'

/** Every file in the config dir, as text: no secret may be in any of them. */
const allConfigText = (dir: string) =>
  readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isFile())
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n')

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

    it('auth token puts the key in the keychain only; logout takes it out', async () => {
      const result = ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kc']))
      expect(result.stderr).not.to.include('Warning')
      const stored = (await keytar().findCredentials('llamactl')).filter((c) => c.password.includes(f.key))
      expect(stored).to.have.length(1)
      expect(stored[0].account).to.match(/^profile:/)
      expect(existsSync(path.join(f.dir, 'secrets.json'))).to.equal(false)
      expect(allConfigText(f.dir)).not.to.include(f.key)
      ok(await f.run(['auth', 'project', 'p2']))
      ok(await f.run(['auth', 'logout', 'kc']))
      expect(await keytar().getPassword('llamactl', stored[0].account)).to.equal(null)
    })
  })

  describe('without a D-Bus session (no keychain)', () => {
    it('falls back to a 0600 file, warning once per command and naming it', async () => {
      const env = withoutDbus()
      const result = ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env}))
      const warnings = result.stderr.split('\n').filter((l) => l.startsWith('Warning:'))
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.include(path.join(f.dir, 'secrets.json')).and.include('readable only by you')
      expect(statSync(path.join(f.dir, 'secrets.json')).mode & 0o777).to.equal(0o600)
      expect(f.configText()).not.to.include(f.key)
      // Commands that don't need secrets don't touch the store, so they don't warn.
      expect(ok(await f.run(['auth', 'list'], {env})).stderr).to.equal('')
      expect(ok(await f.run(['auth', 'project', 'p2'], {env})).stderr.match(/Warning:/g)).to.have.length(1)
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

    it('an unknown LLAMACTL_SECRET_STORE is a usage error', async () => {
      fails(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {LLAMACTL_SECRET_STORE: 'vault'}}), 2, /LLAMACTL_SECRET_STORE=vault/)
    })
  })
})
