import {expect} from 'chai'
import os from 'node:os'

import {ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {CliError} from '../../src/errors.js'
import {ProfileSecrets, secretAccount, SecretStore} from '../../src/stores/secret-store.js'
import {DefaultServices} from '../../src/services/factory.js'
import {LoginSession, LoginSessionDeps} from '../../src/services/login-session.js'
import {tempConfigDir} from '../support/cli.js'
import {TestControlPlane} from '../support/control-plane-server.js'
import {deviceLoginTokens} from '../support/login-session.js'
import {ALICE, CLI_CLIENT_ID, TestOidcProvider} from '../support/oidc-provider.js'
import type {ProfileRecord} from '../../src/stores/schema.js'

describe('LoginSession.refresh (real provider, real control plane, file secret store)', function () {
  this.timeout(30_000)
  let op: TestOidcProvider
  let server: TestControlPlane
  let config: ReturnType<typeof tempConfigDir>
  let services: DefaultServices
  let deps: LoginSessionDeps
  let profile: ProfileRecord
  let stored: ProfileSecrets
  let warnings: string[]

  const deviceTokens = () => deviceLoginTokens(op.discoveryUrl, CLI_CLIENT_ID)

  beforeEach(async () => {
    op = await new TestOidcProvider().start()
    server = await new TestControlPlane().start()
    op.attach(server)
    config = tempConfigDir()
    warnings = []
    services = new DefaultServices({configDir: config.dir, env: {}, version: '1.0.0', warn() {}})
    const secrets = new SecretStore({dir: config.dir, mode: 'file', warn() {}})
    deps = {client: (apiUrl) => new ControlPlaneClient(apiUrl), profiles: services.profileStore, secrets, warn: (m) => warnings.push(m)}
    // What `auth login` leaves: a key minted with the access token, its id in the profile.
    const tokens = await deviceTokens()
    const minted = await new ControlPlaneClient(server.url).createApiKey(tokens.accessToken, 'at login')
    await services.environmentStore.upsert(server.url, {minLlamactlVersion: null, requiresAuth: true})
    profile = {apiUrl: server.url, authType: 'login', email: ALICE.email, id: 'p-1', keyId: minted.id, name: ALICE.email, projectId: 'p1', sub: ALICE.sub}
    await services.profileStore.save(profile)
    stored = {accessToken: tokens.accessToken, apiKey: minted.secret, idToken: tokens.idToken, refreshToken: tokens.refreshToken}
    await secrets.set(secretAccount(profile), stored)
    server.revokeKey(minted.secret) // the server no longer takes it (but still knows its id)
  })

  afterEach(async () => {
    await op.stop()
    await server.stop()
    config.cleanup()
  })

  it('spends the refresh token once, stores the rotated tokens and replaces the rejected key: new key stored, its id switched, the old one revoked, one line said', async () => {
    const next = await new LoginSession(deps).refresh(profile, stored)
    expect(op.grants('refresh_token')).to.have.length(1)
    expect(next.refreshToken).to.not.equal(stored.refreshToken)
    expect(next.accessToken).to.not.equal(stored.accessToken)
    expect(await deps.secrets.get(secretAccount(profile))).to.deep.equal(next)
    expect(await op.identityFor(next.accessToken!)).to.include({email: ALICE.email})

    // Minted with the fresh access token, named as at login.
    const mint = server.calls('/api/v1/api-keys', 'POST').at(-1)!
    expect(mint.authorization).to.equal(`Bearer ${next.accessToken}`)
    expect(mint.body).to.deep.equal({name: `${ALICE.email} llamactl on ${os.hostname()}`, project_id: null})
    const newId = (await services.profileStore.get(server.url, profile.name)).keyId!
    expect(newId).to.not.equal(profile.keyId)
    expect(server.minted.get(newId)?.secret).to.equal(next.apiKey)
    // The server accepts the new key; the old id was revoked.
    expect(await new ControlPlaneClient(server.url).listProjects(next.apiKey!)).to.have.length(1)
    expect(server.calls(`/api/v1/api-keys/${profile.keyId}`, 'DELETE')).to.have.length(1)
    expect(server.minted.has(profile.keyId!)).to.equal(false)
    expect(warnings).to.deep.equal([
      `The server rejected the CLI API key of ${ALICE.email}: replaced it with a new one (${newId}) and revoked the old one (${profile.keyId})`,
    ])
  })

  it('with repairKey false (logout) it only refreshes: the key and its id stay', async () => {
    const next = await new LoginSession(deps).refresh(profile, stored, {repairKey: false})
    expect(op.grants('refresh_token')).to.have.length(1)
    expect(next.apiKey).to.equal(stored.apiKey)
    expect((await services.profileStore.get(server.url, profile.name)).keyId).to.equal(profile.keyId)
    expect(server.calls('/api/v1/api-keys', 'POST')).to.have.length(1) // the one made at "login"
    expect(warnings).to.deep.equal([])
  })

  it('uses what another process stored since this one read them: no second grant, no second key', async () => {
    const byOther = await new LoginSession(deps).refresh(profile, stored)
    const mine = await new LoginSession(deps).refresh(profile, stored) // this process still holds the old ones
    expect(mine).to.deep.equal(byOther)
    expect(op.grants('refresh_token')).to.have.length(1)
    expect(server.calls('/api/v1/api-keys', 'POST')).to.have.length(2)
    expect(warnings).to.have.length(1)
  })

  it('when no key can be minted (the server answers 500) it keeps the refreshed tokens and says the command goes on with the session', async () => {
    server.fail({fault: {kind: 'status', status: 500}, method: 'POST', path: '/api/v1/api-keys'})
    const next = await new LoginSession(deps).refresh(profile, stored)
    expect(next.apiKey).to.equal(stored.apiKey)
    expect(next.refreshToken).to.not.equal(stored.refreshToken)
    expect(await deps.secrets.get(secretAccount(profile))).to.deep.equal(next)
    expect((await services.profileStore.get(server.url, profile.name)).keyId).to.equal(profile.keyId)
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.match(
      /^The CLI API key of alice@example\.com was rejected and no new one could be minted \(.*500.*\); this command goes on with the login session$/,
    )
  })

  it('a refused refresh says the session expired and to log in again; no key is minted', async () => {
    await op.provider.RefreshToken.find(stored.refreshToken!).then((t) => t?.destroy())
    let error: CliError | undefined
    try {
      await new LoginSession(deps).refresh(profile, stored)
    } catch (error_) {
      error = error_ as CliError
    }

    expect(error?.code).to.equal('session_expired')
    expect(error?.line).to.match(/session expired.*Run `llamactl auth login` again/)
    expect(server.calls('/api/v1/api-keys', 'POST'), 'only the key made at "login"').to.have.length(1)
    expect(await deps.secrets.get(secretAccount(profile))).to.deep.equal(stored)
  })
})
