import {expect} from 'chai'
import {spawn} from 'node:child_process'

import {ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {DeviceLogin, OidcTokens} from '../../src/net/device-login.js'
import {CliError} from '../../src/errors.js'
import {ProfileSecrets, secretAccount, SecretStore} from '../../src/stores/secret-store.js'
import {LoginSession, LoginSessionDeps} from '../../src/services/login-session.js'
import {tempConfigDir} from '../support/cli.js'
import {TestControlPlane} from '../support/control-plane-server.js'
import {STAND_IN_BROWSER} from '../support/login-session.js'
import {ALICE, CLI_CLIENT_ID, TestOidcProvider} from '../support/oidc-provider.js'
import type {ProfileRecord} from '../../src/stores/schema.js'

describe('LoginSession.refresh (real provider, file secret store)', function () {
  this.timeout(30_000)
  let op: TestOidcProvider
  let server: TestControlPlane
  let config: ReturnType<typeof tempConfigDir>
  let deps: LoginSessionDeps
  let profile: ProfileRecord
  let stored: ProfileSecrets

  /** Logs ALICE in through the device flow, approved by the stand-in browser. */
  async function deviceTokens(): Promise<OidcTokens> {
    const login = await DeviceLogin.discover({clientId: CLI_CLIENT_ID, discoveryUrl: op.discoveryUrl})
    const auth = await login.start()
    const browser = spawn(process.execPath, [STAND_IN_BROWSER, auth.verificationUriComplete!], {stdio: 'ignore'})
    const timer = setTimeout(() => browser.kill('SIGKILL'), 15_000)
    try {
      return await login.wait(auth, new AbortController().signal)
    } finally {
      clearTimeout(timer)
    }
  }

  beforeEach(async () => {
    op = await new TestOidcProvider().start()
    server = await new TestControlPlane().start()
    op.attach(server)
    config = tempConfigDir()
    const secrets = new SecretStore({dir: config.dir, mode: 'file', warn() {}})
    deps = {client: (apiUrl) => new ControlPlaneClient(apiUrl), secrets}
    profile = {apiUrl: server.url, authType: 'login', email: ALICE.email, id: 'p-1', keyId: 'k', name: ALICE.email, projectId: 'p1', sub: ALICE.sub}
    const tokens = await deviceTokens()
    stored = {accessToken: tokens.accessToken, apiKey: 'llx-key', idToken: tokens.idToken, refreshToken: tokens.refreshToken}
    await secrets.set(secretAccount(profile), stored)
  })

  afterEach(async () => {
    await op.stop()
    await server.stop()
    config.cleanup()
  })

  it('spends the refresh token, stores the rotated tokens and keeps the API key', async () => {
    const next = await new LoginSession(deps).refresh(profile, stored)
    expect(op.grants('refresh_token')).to.have.length(1)
    expect(next.refreshToken).to.not.equal(stored.refreshToken)
    expect(next.accessToken).to.not.equal(stored.accessToken)
    expect(next.apiKey).to.equal('llx-key')
    expect(await deps.secrets.get(secretAccount(profile))).to.deep.equal(next)
    expect(await op.identityFor(next.accessToken!)).to.include({email: ALICE.email})
  })

  it('uses tokens another process stored since this one read them, without a grant', async () => {
    const byOther = await new LoginSession(deps).refresh(profile, stored)
    const mine = await new LoginSession(deps).refresh(profile, stored) // this process still holds the old ones
    expect(mine.accessToken).to.equal(byOther.accessToken)
    expect(op.grants('refresh_token')).to.have.length(1)
  })

  it('a refused refresh says the session expired and to log in again', async () => {
    await new LoginSession(deps).refresh(profile, stored)
    const now = (await deps.secrets.get(secretAccount(profile)))!
    await deps.secrets.set(secretAccount(profile), {...now, refreshToken: stored.refreshToken}) // an already spent one
    let error: CliError | undefined
    try {
      await new LoginSession(deps).refresh(profile, {...now, refreshToken: stored.refreshToken})
    } catch (error_) {
      error = error_ as CliError
    }

    expect(error?.code).to.equal('session_expired')
    expect(error?.line).to.match(/session expired.*Run `llamactl auth login` again/)
  })
})
