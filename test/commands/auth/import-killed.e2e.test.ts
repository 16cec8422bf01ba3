import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {mkdirSync} from 'node:fs'
import path from 'node:path'

import {RUN_JS} from '../../support/cli.js'
import {Fixture, json, ok, setUp} from '../../support/fixture.js'
import {PrivateKeyring, startPrivateKeyring} from '../../support/keychain.js'
import {buildProfilesDb, PY_DEFAULT_API_URL} from '../../support/python-profiles-db.js'

describe('a keychain import killed with SIGKILL (a real gnome-keyring in its own D-Bus session)', function () {
  this.timeout(180_000)
  let f: Fixture
  let keyring: PrivateKeyring
  let source: string
  const ROWS = 200

  beforeEach(async () => {
    f = await setUp({secretStore: 'auto'})
    keyring = await startPrivateKeyring()
    mkdirSync(path.join(f.dir, 'python'))
    source = path.join(f.dir, 'python', 'profiles.db')
    buildProfilesDb(source, {
      profiles: Array.from({length: ROWS}, (_, i) => ({
        api_key: `llx-killed-${i}-abcdefghijklmnop`,
        api_url: PY_DEFAULT_API_URL,
        name: `p-${i}`,
        project_id: 'p1',
      })),
    })
  })
  afterEach(async () => {
    await keyring.stop()
    await f.cleanup()
  })

  it('leaves entries no profile references, and the next import sweeps them: the keychain then holds exactly the profiles of the config', async () => {
    const child = spawn(process.execPath, ['--', RUN_JS, 'auth', 'import', '--from', source], {
      env: {...process.env, ...f.env, ...keyring.env},
      stdio: 'ignore',
    })
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)))
    // Killed once the keychain holds some of its entries (polled, bounded in count and time).
    let written = 0
    for (let i = 0; i < 600 && written < 10 && child.exitCode === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25))
      written = await keyring.count()
    }

    child.kill('SIGKILL')
    expect(await closed, 'killed mid-import, not finished before').to.equal('SIGKILL')
    const left = await keyring.count()
    expect(left, 'entries the killed import wrote').to.be.within(10, ROWS - 1)
    const before = json(ok(await f.run(['auth', 'list', '--json'], {env: keyring.env}))).profiles
    expect(before, 'no profile came over: the config is written last').to.deep.equal([])

    ok(await f.run(['auth', 'import', '--from', source], {env: keyring.env, timeoutMs: 120_000}))
    const profiles = JSON.parse(f.configText()).profiles as Array<{id: string}>
    expect(profiles).to.have.length(ROWS)
    expect((await keyring.accounts()).sort()).to.deep.equal(profiles.map((p) => `profile:${p.id}`).sort())
  })
})
