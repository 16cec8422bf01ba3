import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'

import {fails, Fixture, ok, setUp} from '../../support/fixture.js'
import {keychainAvailable, keytar} from '../../support/keychain.js'

/** Every file in the config dir, as text: no secret may be in any of them. */
const allConfigText = (dir: string) =>
  readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isFile())
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n')

describe('secrets at the command line', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true, secretStore: 'auto'})
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
    it('an unknown LLAMACTL_SECRET_STORE is a usage error', async () => {
      fails(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {LLAMACTL_SECRET_STORE: 'vault'}}), 2, /LLAMACTL_SECRET_STORE=vault/)
    })
  })
})
