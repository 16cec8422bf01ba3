import {expect} from 'chai'

import {DefaultServices} from '../../src/services/factory.js'
import {secretAccount, SecretStore} from '../../src/stores/secret-store.js'
import type {ProfileRecord} from '../../src/stores/schema.js'
import {CountingKeytar} from '../support/counting-keytar.js'
import {InProcess, inProcess} from '../support/in-process.js'
import {keychainAvailable, keytar} from '../support/keychain.js'
import {loggedInProfile} from '../support/login-session.js'
import {ALICE, TestOidcProvider} from '../support/oidc-provider.js'

/**
 * How often one command reads the keychain: each read can be a permission prompt on macOS. The
 * real keychain of `npm test` behind keytar, every call into it counted (CountingKeytar); each
 * "command" is a fresh DefaultServices, as a new process would have.
 */
describe('keychain reads per command (counted at the keytar seam, real keychain)', function () {
  this.timeout(60_000)
  let f: InProcess
  let keychain: CountingKeytar
  const accounts: string[] = []

  /** The services of one command run: a fresh secret store on the real keychain, its keytar counted. */
  const command = () =>
    new DefaultServices(
      {configDir: f.dir, env: {LLAMACTL_HTTP_TIMEOUT_MS: '3000'}, version: '0.1.0', warn: (m) => f.warnings.push(m)},
      {secretStore: async () => new SecretStore({dir: f.dir, loadKeytar: keychain.load, warn: (m) => f.warnings.push(m)})},
    )

  before(async function () {
    if (!(await keychainAvailable())) this.skip()
  })

  beforeEach(async () => {
    keychain = new CountingKeytar()
    f = await inProcess()
  })

  afterEach(async () => {
    for (const account of accounts.splice(0)) await keytar().deletePassword('llamactl', account)
    await f.cleanup()
  })

  it('auth status on an API-key profile reads the keychain once: that read is also the keychain probe', async () => {
    const {profile} = await (await command().profileService()).create({apiUrl: f.env.apiUrl, authType: 'api-key', name: 'ci', projectId: 'p1'}, {apiKey: f.key})
    accounts.push(secretAccount(profile))
    keychain.reset()
    const status = await (await command().statusService()).status({offline: false})
    expect(status).to.deep.include({profile: 'ci', secretStore: 'keychain'})
    expect(status.check.result).to.equal('ok')
    expect(keychain.calls).to.deep.equal([{account: secretAccount(profile), op: 'read'}])
  })

  describe('a browser-login profile (real oidc-provider)', () => {
    let op: TestOidcProvider
    let profile: ProfileRecord

    beforeEach(async () => {
      op = await new TestOidcProvider().start()
      op.attach(f.server)
      // What `auth login` leaves: a key minted with the access token, its id in the profile, the secrets in the keychain.
      const login = await loggedInProfile(f.server.url, op.discoveryUrl)
      profile = login.profile
      const setup = command()
      await setup.profileStore.save(profile)
      accounts.push(secretAccount(profile))
      const {secrets} = login
      await (await setup.secretStore()).set(secretAccount(profile), secrets)
      keychain.reset()
    })

    afterEach(() => op.stop())

    it('auth status reads the keychain at most twice (once: key and session both checked from that one read)', async () => {
      const status = await (await command().statusService()).status({offline: false})
      expect(status.check).to.include({result: 'ok'})
      expect(status.check.message).to.include(`signed in as ${ALICE.email}`)
      expect(keychain.count('read'), JSON.stringify(keychain.calls)).to.be.at.most(2)
      expect(keychain.count('read')).to.equal(1)
      expect(keychain.count('write')).to.equal(0)
    })

    it('the repair path (401, refresh, a new key minted) reads at most twice and writes once, and the report shows the new key', async () => {
      const before = (await keytar().getPassword('llamactl', secretAccount(profile)))!
      f.server.revokeKey(JSON.parse(before).apiKey)
      const status = await (await command().statusService()).status({offline: false})
      expect(status.check.result).to.equal('ok')
      expect(op.grants('refresh_token')).to.have.length(1)
      expect(keychain.count('read'), JSON.stringify(keychain.calls)).to.be.at.most(2)
      expect(keychain.count('write'), JSON.stringify(keychain.calls)).to.equal(1)
      const after = JSON.parse((await keytar().getPassword('llamactl', secretAccount(profile)))!) as {apiKey: string}
      expect(status.keyHint).to.equal(`${after.apiKey.slice(0, 6)}****${after.apiKey.slice(-4)}`)
      expect(f.warnings.join('\n')).to.match(/replaced it with a new one/)
    })
  })
})
