import {expect} from 'chai'
import {chmodSync, chownSync, lchownSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {DefaultServices} from '../../src/services/factory.js'
import {StateStore} from '../../src/stores/state-store.js'
import {tempConfigDir} from '../support/cli.js'
import {TestControlPlane} from '../support/control-plane-server.js'
import {NOBODY} from '../support/other-user.js'
import {rejection} from '../support/rejection.js'

/** A config.json as another llamactl would write it, with `apiUrl` as the current environment. */
const configNaming = (apiUrl: string) =>
  JSON.stringify({
    currentEnvironment: apiUrl,
    environments: [{apiUrl, currentProfile: null, minLlamactlVersion: null, requiresAuth: true}],
    profiles: [],
    schemaVersion: 1,
  })

describe('config.json is used only when it is the user’s own and only they can write it (the profiles.db rule)', () => {
  let dir: string
  let cleanup: () => void
  let shared: string
  let file: string

  before(function () {
    if (process.getuid?.() !== 0) this.skip() // giving a file to another user (chown) needs root
  })

  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
    shared = path.join(dir, 'shared-config')
    mkdirSync(shared)
    chmodSync(shared, 0o1777)
    file = path.join(shared, 'config.json')
  })
  afterEach(() => cleanup())

  const refusal = async (store = new StateStore(shared)) => {
    const error = await rejection<CliError>(store.read())
    expect(error).to.be.instanceOf(CliError)
    expect(error.code).to.equal('config_untrusted')
    expect(error.exit).to.equal(1)
    expect(error.line).to.not.include('\n')
    expect(error.line).to.include('LLAMACTL_CONFIG_DIR')
    return error
  }

  it('another user’s config.json in a shared 1777 dir: refused in one line naming the fix, and no key goes to the server it names', async () => {
    const attacker = await new TestControlPlane().start()
    try {
      writeFileSync(file, configNaming(attacker.url))
      chmodSync(file, 0o644)
      chownSync(file, NOBODY, NOBODY)
      expect((await refusal()).line).to.include(`belongs to another user (uid ${NOBODY})`)

      const services = new DefaultServices({configDir: shared, env: {LLAMACTL_SECRET_STORE: 'file'}, version: '0.1.0', warn: () => {}})
      const profiles = await services.profileService()
      const error = await rejection<CliError>(
        (async () =>
          profiles.addApiKey(await services.environmentStore.current(), {
            apiKey: 'llx-victim-key-0123456789',
            interactive: false,
            projectId: 'p1',
            prompter: async () => expect.fail('no prompt'),
          }))(),
      )
      expect(error.code).to.equal('config_untrusted')
      expect(attacker.calls(''), 'requests to the server the planted config names').to.deep.equal([])
    } finally {
      await attacker.stop()
    }
  })

  it('the user’s own config.json that group or others can write (0666, 0620): refused; 0600, 0644 and 0664 in their private group: used', async () => {
    writeFileSync(file, configNaming('https://cp.example.com'))
    for (const mode of [0o666, 0o646, 0o620]) {
      chmodSync(file, mode)
      chownSync(file, 0, 1) // group daemon: not the user's private group
      expect((await refusal()).line, mode.toString(8)).to.include(`other users can write to it (mode 0${mode.toString(8)})`)
    }

    for (const [mode, gid] of [
      [0o600, 1],
      [0o644, 1],
      [0o664, 0], // root's private group (gid = uid)
    ]) {
      chmodSync(file, mode)
      chownSync(file, 0, gid)
      expect((await new StateStore(shared).read()).currentEnvironment, mode.toString(8)).to.equal('https://cp.example.com')
    }
  })

  it('a symbolic link of another user to the user’s own config: refused (the link decides where it leads)', async () => {
    const own = path.join(dir, 'own-config.json')
    writeFileSync(own, configNaming('https://cp.example.com'))
    chmodSync(own, 0o600)
    symlinkSync(own, file)
    lchownSync(file, NOBODY, NOBODY)
    expect((await refusal()).line).to.include(`belongs to another user (uid ${NOBODY})`)
  })

  it('an update under the lock refuses a file planted after the first read (nothing is written to it)', async () => {
    writeFileSync(file, configNaming('https://cp.example.com'))
    chmodSync(file, 0o600)
    const store = new StateStore(shared)
    await store.read()
    const planted = path.join(shared, 'planted.json')
    writeFileSync(planted, configNaming('https://attacker.example.com'))
    chownSync(planted, NOBODY, NOBODY)
    renameSync(planted, file)
    const error = await rejection<CliError>(store.update((doc) => void (doc.currentEnvironment = 'x')))
    expect(error.code).to.equal('config_untrusted')
    expect(readFileSync(file, 'utf8')).to.include('attacker.example.com')
  })
})
