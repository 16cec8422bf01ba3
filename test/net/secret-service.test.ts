import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {defaultCollectionLocked, secretItemState} from '../../src/net/secret-service.js'
import {ROOT} from '../support/cli.js'
import {PrivateKeyring, startPrivateKeyring} from '../support/keychain.js'

/** Stores an entry with keytar itself, in a child on the private keyring's bus (this process's keytar is bound to another bus). */
function keytarSet(keyring: PrivateKeyring, account: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = `require('keytar').setPassword('llamactl', ${JSON.stringify(account)}, 'secret').then(() => process.exit(0), () => process.exit(3))`
    const child = spawn(process.execPath, ['-e', script], {
      cwd: ROOT,
      env: {...process.env, DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS},
      stdio: 'inherit',
    })
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`keytar exited ${code}`))))
  })
}

describe('the Secret Service client (locked or absent, which keytar cannot tell)', function () {
  this.timeout(60_000)

  describe('against a real gnome-keyring in its own D-Bus session', () => {
    let keyring: PrivateKeyring
    let env: NodeJS.ProcessEnv
    before(async () => {
      keyring = await startPrivateKeyring()
      env = {DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS}
    })
    after(async () => keyring.stop())
    afterEach(() => keyring.resume())

    it('tells an unlocked entry, an absent one and a locked one apart, and whether the default collection is locked', async () => {
      await keytarSet(keyring, 'profile:present')
      expect(await secretItemState({account: 'profile:present', service: 'llamactl'}, {env})).to.equal('unlocked')
      expect(await secretItemState({account: 'profile:absent', service: 'llamactl'}, {env})).to.equal('absent')
      expect(await defaultCollectionLocked({env})).to.equal(false)
      await keyring.lock()
      expect(await secretItemState({account: 'profile:present', service: 'llamactl'}, {env})).to.equal('locked')
      expect(await secretItemState({account: 'profile:absent', service: 'llamactl'}, {env})).to.equal('absent')
      expect(await defaultCollectionLocked({env})).to.equal(true)
    })

    it('answers "can\'t tell" by its deadline when the Secret Service never answers (the daemon stopped with SIGSTOP)', async () => {
      await keyring.pause()
      const started = Date.now()
      expect(await secretItemState({account: 'profile:present', service: 'llamactl'}, {env, timeoutMs: 1000})).to.equal(undefined)
      expect(await defaultCollectionLocked({env, timeoutMs: 1000})).to.equal(undefined)
      expect(Date.now() - started).to.be.within(1900, 3500)
    })
  })

  it('answers "can\'t tell" (undefined) at once where there is no session bus', async () => {
    const started = Date.now()
    expect(
      await secretItemState({account: 'a', service: 'llamactl'}, {env: {...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus'}}),
    ).to.equal(undefined)
    expect(await defaultCollectionLocked({env: {PATH: process.env.PATH}})).to.equal(undefined)
    expect(Date.now() - started).to.be.lessThan(2000)
  })

  it('answers "can\'t tell" at once where dbus-send is not installed (a PATH without it)', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'llamactl-no-dbus-send-'))
    try {
      const started = Date.now()
      const env = {...process.env, PATH: empty}
      expect(await secretItemState({account: 'a', service: 'llamactl'}, {env})).to.equal(undefined)
      expect(await defaultCollectionLocked({env})).to.equal(undefined)
      expect(Date.now() - started).to.be.lessThan(1000)
    } finally {
      rmSync(empty, {force: true, recursive: true})
    }
  })
})
