import {expect} from 'chai'
import {spawn} from 'node:child_process'

import {defaultCollectionLocked, secretItemState, sessionBusAddresses} from '../../src/net/secret-service.js'
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
  })

  it('answers "can\'t tell" (undefined) at once where there is no session bus', async () => {
    const started = Date.now()
    expect(await secretItemState({account: 'a', service: 'llamactl'}, {env: {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus'}})).to.equal(undefined)
    expect(await defaultCollectionLocked({env: {}})).to.equal(undefined)
    expect(Date.now() - started).to.be.lessThan(2000)
  })

  it('reads bus addresses as GIO does: path, abstract, tcp, a list, escapes, and $XDG_RUNTIME_DIR/bus when unset', () => {
    expect(sessionBusAddresses({DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus'})).to.deep.equal([{path: '/run/user/1000/bus'}])
    expect(sessionBusAddresses({DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/tmp/dbus-x,guid=ab;tcp:host=localhost,port=4000'})).to.deep.equal([
      {path: '\0/tmp/dbus-x'},
      {host: 'localhost', port: 4000},
    ])
    expect(sessionBusAddresses({DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/a%20b'})).to.deep.equal([{path: '/tmp/a b'}])
    expect(sessionBusAddresses({XDG_RUNTIME_DIR: '/nonexistent'})).to.deep.equal([])
  })
})
