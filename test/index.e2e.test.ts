import {expect} from 'chai'
import {spawn} from 'node:child_process'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

import {ROOT} from './support/cli.js'
import {Fixture, ok, setUp} from './support/fixture.js'
import {PrivateKeyring, startPrivateKeyring} from './support/keychain.js'

describe('currentCredentials with a real gnome-keyring that is locked (its own D-Bus session)', function () {
  this.timeout(60_000)
  let f: Fixture
  let keyring: PrivateKeyring
  beforeEach(async () => {
    f = await setUp({secretStore: 'auto'})
    keyring = await startPrivateKeyring()
  })
  afterEach(async () => {
    await keyring.stop()
    await f.cleanup()
  })

  /** currentCredentials() from the built package, in a child on the private keyring's bus. */
  const readInChild = (): Promise<{code?: string; creds?: unknown}> =>
    new Promise((resolve, reject) => {
      const script = `import {currentCredentials} from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/index.js')).href)}
currentCredentials(${JSON.stringify(f.dir)}).then((creds) => console.log(JSON.stringify({creds: {...creds, apiKey: creds.apiKey}})), (e) => console.log(JSON.stringify({code: e.code})))`
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: {...process.env, DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS},
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      child.on('close', () => {
        try {
          resolve(JSON.parse(out))
        } catch (error) {
          reject(error)
        }
      })
    })

  it('throws keychain_locked rather than hand out apiKey: null', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kc'], {env: keyring.env}))
    expect((await readInChild()).creds).to.deep.include({apiKey: f.key, profile: 'kc'})
    await keyring.lock()
    expect(await readInChild()).to.deep.equal({code: 'keychain_locked'})
  })
})
