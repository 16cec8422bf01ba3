import {expect} from 'chai'
import {existsSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {fails, Fixture, ok, setUp} from '../../support/fixture.js'
import {readSecrets} from '../../support/login-session.js'
import {ALICE, BOB, DEVICE_GRANT, TestAccount, TestOidcOptions, TestOidcProvider} from '../../support/oidc-provider.js'
import {
  expectNoLeak as expectNoSecretIn,
  login as loginSession,
  loginProfiles as sessionLoginProfiles,
  logsInWithOneProject,
  startLoginSession,
} from './login.cases.js'

describe('auth login (browser, OIDC device flow against a real oidc-provider)', function () {
  this.timeout(60_000)
  let f: Fixture
  let op: TestOidcProvider
  let browserLog: string

  async function start(oidc: TestOidcOptions = {}, server: Parameters<typeof setUp>[0] = {}) {
    ;({browserLog, f, op} = await startLoginSession(oidc, {...server, inProcess: true}))
  }

  afterEach(async () => {
    await op?.stop()
    await f?.cleanup()
  })

  const login = (args: string[] = [], account: TestAccount = ALICE, action = 'approve') => loginSession({browserLog, f, op}, args, account, action)
  const loginProfiles = () => sessionLoginProfiles(f)

  const expectNoLeak = (stdout: string) => expectNoSecretIn(f, stdout)

  it('logs in with one project: prints URL and code, opens the browser, stores the key and tokens as secrets', async () => {
    await start()
    await logsInWithOneProject({browserLog, f, op})
  })

  it('with several projects takes --project-id; without it a non-interactive run is a usage error listing them', async () => {
    await start()
    fails(await login([], BOB), 2, /--project-id.*p1, p2/)
    expect(loginProfiles()).to.deep.equal([])
    expect(f.server.minted.size, 'nothing minted before the project is known').to.equal(0)

    const result = ok(await login(['--project-id', 'p2', '--name', 'work'], BOB))
    expect(result.stderr).to.include('Created profile work')
    expect(loginProfiles()).to.have.length(1)
    expect(loginProfiles()[0]).to.include({email: BOB.email, name: 'work', projectId: 'p2', sub: BOB.sub})
    const table = ok(await f.run(['auth', 'list'])).stdout
    expect(table).to.match(/\* +work +p2 +login \(bob@example\.com\)/)
  })

  it('denied in the browser: exit 1, "login was denied", nothing stored', async () => {
    await start()
    fails(await login([], ALICE, 'deny'), 1, /login was denied/i)
    expect(loginProfiles()).to.deep.equal([])
    expect(readSecrets(f.dir)).to.deep.equal({})
    expect(f.server.minted.size).to.equal(0)
  })

  it('a code nobody approves expires: exit 1 telling to run auth login again; --no-browser opens nothing', async () => {
    await start({deviceCodeTtl: 2})
    const result = await login(['--no-browser'])
    fails(result, 1, /code expired.*`llamactl auth login` again/)
    expect(result.stderr).to.match(/open http:\S+\/device and enter the code \S+/)
    expect(existsSync(browserLog), 'no browser was started').to.equal(false)
    expect(loginProfiles()).to.deep.equal([])
  })

  it('a browser that fails to open is a warning, not an error', async () => {
    await start({deviceCodeTtl: 2})
    const result = await f.run(['auth', 'login'], {env: {BROWSER: path.join(f.dir, 'no-such-browser')}})
    expect(result.stderr).to.match(/Warning: Could not open a browser \(.*no-such-browser was not found\); open the URL above yourself/)
    fails(result, 1, /code expired/) // it only ends because nobody approved in time
  })

  it('slow_down adds 5 s to the poll interval (slow_down injected in front of oidc-provider, which never sends it)', async () => {
    await start({interval: 1, slowDown: 1})
    ok(await login())
    const polls = op.grants(DEVICE_GRANT)
    expect(polls[0].injected).to.equal('slow_down')
    expect(polls.length).to.be.greaterThan(1)
    const gap = polls[1].at - polls[0].at
    expect(gap, `gap after slow_down was ${gap} ms`).to.be.within(5800, 9000)
  })

  it('logging in again as the same user updates the one profile and revokes the previous key', async () => {
    await start()
    ok(await login())
    const first = loginProfiles()[0]
    const again = ok(await login())
    expect(again.stderr).to.include(`Updated profile ${ALICE.email}`)
    const profiles = loginProfiles()
    expect(profiles).to.have.length(1)
    expect(profiles[0].name).to.equal(first.name)
    expect(profiles[0].keyId).to.not.equal(first.keyId)
    expect(f.server.minted.has(first.keyId!), 'previous key revoked').to.equal(false)
    expect([...f.server.minted.keys()]).to.deep.equal([profiles[0].keyId])
    // The new secrets were written under a fresh account before the switch; the old ones are gone.
    expect(Object.keys(readSecrets(f.dir))).to.deep.equal([`profile:${profiles[0].id}`])
  })

  it('a rejected CLI key is replaced once: one refresh, a new key minted and stored, the old revoked, one line; the next command needs no refresh', async () => {
    await start()
    ok(await login(['--project-id', 'p1'], BOB))
    const [profile] = loginProfiles()
    const before = readSecrets(f.dir)[`profile:${profile.id}`]
    f.server.revokeKey(before.apiKey!)

    const first = ok(await f.run(['auth', 'project', 'p2']))
    expect(op.grants('refresh_token')).to.have.length(1)
    const after = readSecrets(f.dir)[`profile:${profile.id}`]
    expect(after.refreshToken, 'rotated').to.be.a('string').and.not.equal(before.refreshToken)
    expect(after.accessToken).to.be.a('string').and.not.equal(before.accessToken)
    expect(after.apiKey).to.be.a('string').and.not.equal(before.apiKey)
    const [repaired] = loginProfiles()
    expect(repaired.keyId).to.not.equal(profile.keyId)
    expect(f.server.minted.get(repaired.keyId!)?.secret).to.equal(after.apiKey)
    expect(f.server.minted.has(profile.keyId!), 'old key revoked').to.equal(false)
    expect(f.server.calls('/api/v1/api-keys', 'POST').at(-1)?.body).to.deep.equal({name: `${BOB.email} llamactl on ${os.hostname()}`, project_id: null})
    const notes = first.stderr.split('\n').filter(Boolean)
    expect(notes).to.deep.equal([
      `Warning: The server rejected the CLI API key of ${BOB.email}: replaced it with a new one (${repaired.keyId}) and revoked the old one (${profile.keyId})`,
      `Profile ${BOB.email} now uses project p2.`,
    ])
    const listCalls = f.server.calls('/list-projects')
    expect(listCalls.at(-2)?.authorization).to.equal(`Bearer ${before.apiKey}`)
    expect(listCalls.at(-1)?.authorization).to.equal(`Bearer ${after.apiKey}`)
    expect(repaired.projectId).to.equal('p2')

    const second = ok(await f.run(['auth', 'project', 'p1']))
    expect(second.stderr).to.not.include('Warning')
    expect(op.grants('refresh_token'), 'no second refresh').to.have.length(1)
    expect(f.server.calls('/list-projects').at(-1)?.authorization).to.equal(`Bearer ${after.apiKey}`)
    expect(f.server.calls('/api/v1/api-keys', 'POST')).to.have.length(2)
    expectNoLeak(first.stdout + first.stderr + second.stdout + second.stderr)
  })

  it('a refresh that fails says the session expired and to log in again', async () => {
    await start()
    ok(await login())
    const [profile] = loginProfiles()
    const secrets = readSecrets(f.dir)[`profile:${profile.id}`]
    f.server.revokeKey(secrets.apiKey!)
    await op.provider.RefreshToken.find(secrets.refreshToken!).then((t) => t?.destroy())
    fails(await f.run(['auth', 'project', 'p1']), 1, /login session .*expired.*`llamactl auth login` again/)
  })

  it('logout of a login profile whose key was rejected revokes it with the refreshed session and mints nothing', async () => {
    await start()
    ok(await login())
    const [profile] = loginProfiles()
    const {accessToken, apiKey} = readSecrets(f.dir)[`profile:${profile.id}`]
    f.server.revokeKey(apiKey!)
    const result = ok(await f.run(['auth', 'logout', ALICE.email]))
    expect(result.stderr).to.not.include('Warning')
    expect(op.grants('refresh_token')).to.have.length(1)
    expect(f.server.calls('/api/v1/api-keys', 'POST'), 'only the key made at login').to.have.length(1)
    // First with the rejected key (401), then with the refreshed session's access token.
    const deletes = f.server.calls(`/api/v1/api-keys/${profile.keyId}`, 'DELETE')
    expect(deletes.map((d) => d.authorization)).to.have.length(2)
    expect(deletes[0].authorization).to.equal(`Bearer ${apiKey}`)
    expect(deletes[1].authorization).to.not.be.oneOf([`Bearer ${apiKey}`, `Bearer ${accessToken}`])
    expect(f.server.minted.size).to.equal(0)
    expect(loginProfiles()).to.deep.equal([])
  })

  it('env delete revokes the minted keys of its login profiles too', async () => {
    await start()
    ok(await login())
    const [profile] = loginProfiles()
    ok(await f.run(['auth', 'env', 'delete', f.server.url]))
    expect(f.server.calls(`/api/v1/api-keys/${profile.keyId}`, 'DELETE')).to.have.length(1)
    expect(f.server.minted.size).to.equal(0)
    expect(readSecrets(f.dir)).to.deep.equal({})
  })
})
