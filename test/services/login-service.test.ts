import {expect} from 'chai'
import {ChildProcess, spawn} from 'node:child_process'
import os from 'node:os'

import {CliError} from '../../src/errors.js'
import {ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {LoginOptions, LoginService} from '../../src/services/login-service.js'
import type {ProfileRecord} from '../../src/stores/schema.js'
import {secretAccount} from '../../src/stores/secret-store.js'
import {ControlPlaneOptions, ORG_PROJECTS, TWO_ORGANIZATIONS} from '../support/control-plane-server.js'
import {InProcess, inProcess, rejection} from '../support/in-process.js'
import {STAND_IN_BROWSER} from '../support/login-session.js'
import {ALICE, BOB, TestAccount, TestOidcOptions, TestOidcProvider} from '../support/oidc-provider.js'
import {ScriptedPrompter} from '../support/scripted-prompter.js'

/**
 * Stands in for stderr: keeps what the login prints and, like a person reading the URL and the
 * code, has the stand-in browser approve them (signed in as `account`) as soon as they appear.
 */
class Reader {
  account?: TestAccount
  readonly browsers: ChildProcess[] = []
  readonly isTTY = false
  text = ''

  write(chunk: string): boolean {
    this.text += chunk
    const shown = /open (\S+) and enter the code (\S+)/.exec(chunk)
    if (shown && this.account) {
      const browser = spawn(process.execPath, [STAND_IN_BROWSER, `${shown[1]}?user_code=${encodeURIComponent(shown[2])}`], {
        env: {...process.env, LLAMACTL_TEST_BROWSER_EMAIL: this.account.email},
        stdio: 'ignore',
      })
      const timer = setTimeout(() => browser.kill('SIGKILL'), 15_000)
      browser.on('close', () => clearTimeout(timer))
      this.browsers.push(browser)
    }

    return true
  }
}

describe('LoginService (real oidc-provider, stand-in browser, test control plane, file secret store)', function () {
  this.timeout(30_000)
  let f: InProcess
  let op: TestOidcProvider
  let reader: Reader
  let service: LoginService

  async function start(oidc: TestOidcOptions = {}, server: ControlPlaneOptions = {}, env: NodeJS.ProcessEnv = {}) {
    f = await inProcess(server)
    // A quarter-second poll interval (the client honours what the provider announces) keeps each login short.
    op = await new TestOidcProvider({interval: 0.25, ...oidc}).start()
    op.attach(f.server)
    reader = new Reader()
    service = new LoginService({
      client: (apiUrl) => new ControlPlaneClient(apiUrl, {timeoutMs: 3000}),
      env,
      profileService: await f.services.profileService(),
      stderr: reader,
      timeoutMs: 3000,
      warn: (message) => f.warnings.push(message),
    })
  }

  afterEach(async () => {
    // Each stand-in browser is bounded by its own kill timer; wait for those still running.
    await Promise.all(
      (reader?.browsers ?? []).filter((b) => b.exitCode === null && b.signalCode === null).map((b) => new Promise((resolve) => b.on('close', resolve))),
    )
    await op?.stop()
    await f?.cleanup()
  })

  /** Logs in with --no-browser, the stand-in browser approving as `account`. */
  function login(account: TestAccount, options: Partial<LoginOptions> = {}) {
    reader.account = account
    return service.login(f.env, {interactive: false, noBrowser: true, prompter: new ScriptedPrompter().factory, ...options})
  }

  const loginProfiles = () => f.config().profiles.filter((p) => p.authType === 'login')

  it('opens $BROWSER on the verification URL and saves a current login profile holding the minted key and the tokens', async () => {
    await start({}, {}, {BROWSER: STAND_IN_BROWSER}) // the stand-in signs in as ALICE by default
    const {created, profile} = await service.login(f.env, {interactive: false, noBrowser: false, prompter: new ScriptedPrompter().factory})
    expect(created).to.equal(true)
    expect(profile).to.deep.include({apiUrl: f.env.apiUrl, authType: 'login', email: ALICE.email, name: ALICE.email, projectId: 'p1', sub: ALICE.sub})
    expect(reader.text).to.match(
      new RegExp(`^To sign in, open ${op.issuer}/device and enter the code \\S+\\nOpened your browser; approve the request there\\.\\n$`),
    )
    expect(f.warnings).to.deep.equal([])

    expect(loginProfiles()).to.deep.equal([profile])
    expect(f.config().environments.find((e) => e.apiUrl === f.env.apiUrl)?.currentProfile).to.equal(ALICE.email)
    const minted = f.server.minted.get(profile.keyId!)
    expect(minted, 'the profile names the key minted for it').to.not.equal(undefined)
    expect(f.server.calls('/api/v1/api-keys', 'POST')[0].body).to.deep.equal({name: `${ALICE.email} llamactl on ${os.hostname()}`, project_id: null})
    const secrets = f.secrets()[secretAccount(profile)]
    expect(secrets.apiKey).to.equal(minted!.secret)
    expect(await op.identityFor(secrets.accessToken!)).to.include({email: ALICE.email})
    expect(secrets.refreshToken).to.be.a('string')
    expect(secrets.idToken).to.match(/^ey[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(secrets.expiresAt).to.be.greaterThan(Date.now() / 1000)
    expect(JSON.stringify(f.config())).not.to.include(minted!.secret).and.not.to.include(secrets.refreshToken)
  })

  it('several projects: --project-id, or the prompter’s choice; without either it is a usage error and nothing is minted', async () => {
    await start()
    const usage = await rejection<CliError>(login(BOB))
    expect(usage.line).to.match(/^Missing --project-id .*one of: p1, p2$/)
    expect(f.server.minted.size).to.equal(0)

    const prompter = new ScriptedPrompter(['p2 ('])
    const {profile} = await login(BOB, {interactive: true, prompter: prompter.factory})
    expect(profile).to.deep.include({email: BOB.email, projectId: 'p2'})
    expect(prompter.asked.map((a) => a.choices)).to.deep.equal([['Demo — p1 (3 deployments)', 'p2 (0 deployments)']])
  })

  it("on a server with organizations the choice is the default organization's projects; --project-id outside it is accepted", async () => {
    const carol: TestAccount = {email: 'carol@example.com', name: 'Carol', projects: ORG_PROJECTS, sub: 'sub-carol'}
    await start({accounts: [carol]}, {organizations: TWO_ORGANIZATIONS})
    const prompter = new ScriptedPrompter(['p2 ('])
    const {profile} = await login(carol, {interactive: true, prompter: prompter.factory})
    expect(profile.projectId).to.equal('p2')
    expect(prompter.asked.map((a) => a.choices)).to.deep.equal([['Demo — p1 (3 deployments)', 'p2 (0 deployments)']])
    expect(f.server.calls('list-projects').at(-1)?.query).to.equal('?org_id=acme')
    const again = await login(carol, {projectId: 'p3'})
    expect(again.profile.projectId).to.equal('p3')
  })

  it('logging in again as the same subject updates its profile (keeping a chosen name) and revokes the previous key', async () => {
    await start()
    const first = (await login(BOB, {name: 'work', projectId: 'p2'})).profile
    const again = await login(BOB, {projectId: 'p1'})
    expect(again.created).to.equal(false)
    expect(again.profile).to.deep.include({name: 'work', projectId: 'p1', sub: BOB.sub})
    expect(again.profile.keyId).to.not.equal(first.keyId)
    expect(f.server.calls(`/api/v1/api-keys/${first.keyId}`, 'DELETE')).to.have.length(1)
    expect([...f.server.minted.keys()]).to.deep.equal([again.profile.keyId])
    expect(loginProfiles()).to.deep.equal([again.profile])
    expect(Object.keys(f.secrets()), 'the old secrets are gone').to.deep.equal([secretAccount(again.profile)])

    // Another subject is another profile.
    const alice = await login(ALICE)
    expect(alice.created).to.equal(true)
    expect(loginProfiles().map((p: ProfileRecord) => p.name)).to.deep.equal(['work', ALICE.email])
  })

  it('an account without projects is no_projects; no key is ever minted and nothing is stored', async () => {
    await start({accounts: [{...ALICE, projects: []}]})
    const error = await rejection<CliError>(login(ALICE))
    expect(error.code).to.equal('no_projects')
    expect(error.line).to.equal(
      `${ALICE.email} has no projects in ${f.env.apiUrl} yet. Finish setting up the account on the web (create a project there), then run \`llamactl auth login\` again`,
    )
    expect(f.server.calls('/api/v1/api-keys', 'POST')).to.deep.equal([])
    expect(f.config().profiles).to.deep.equal([])
    expect(f.secrets()).to.deep.equal({})
  })

  it('a failure after minting (the profile name is taken) revokes the minted key and stores no login secrets', async () => {
    await start()
    const profiles = await f.services.profileService()
    const {profile: taken} = await profiles.create({apiUrl: f.env.apiUrl, authType: 'none', name: 'taken', projectId: 'p1'}, null)
    const error = await rejection<CliError>(login(ALICE, {name: 'taken'}))
    expect(error.code).to.equal('name_taken')
    const [minted] = f.server.calls('/api/v1/api-keys', 'POST')
    expect(minted, 'a key was minted first').to.not.equal(undefined)
    expect(f.server.calls('/api/v1/api-keys/', 'DELETE')).to.have.length(1)
    expect(f.server.minted.size, 'and revoked again').to.equal(0)
    expect(f.config().profiles).to.deep.equal([taken])
    expect(f.secrets()).to.deep.equal({})
  })

  it('a failure after minting (secret store unwritable) revokes the minted key and leaves no profile', async () => {
    await start()
    f.breakSecretStore()
    expect((await rejection(login(ALICE))).message).to.include('secrets.json')
    expect(f.server.calls('/api/v1/api-keys', 'POST')).to.have.length(1)
    expect(f.server.calls('/api/v1/api-keys/', 'DELETE')).to.have.length(1)
    expect(f.server.minted.size).to.equal(0)
    expect(f.config().profiles).to.deep.equal([])
  })

  it('minting the key fails: the server’s error, and no profile', async () => {
    await start()
    f.server.fail({fault: {kind: 'status', status: 500}, method: 'POST', path: '/api/v1/api-keys'})
    const error = await rejection<CliError>(login(ALICE))
    expect(error.code).to.equal('server_error')
    expect(error.message).to.match(/api-keys failed with 500/)
    expect(f.server.calls('/api/v1/api-keys/', 'DELETE')).to.deep.equal([])
    expect(f.config().profiles).to.deep.equal([])
    expect(f.secrets()).to.deep.equal({})
  })

  it('an environment that does not require auth is login_not_used, without asking the server anything', async () => {
    await start({}, {requiresAuth: false})
    const error = await rejection<CliError>(login(ALICE))
    expect(error.code).to.equal('login_not_used')
    expect(error.line).to.equal(
      `${f.env.apiUrl} does not use login. This environment does not require auth; use \`llamactl auth token\` (or \`llamactl auth project\`) instead`,
    )
    expect(f.server.requests).to.deep.equal([])
  })

  it('a server without browser login (discovery 404, or 501) is login_not_used, pointing at auth token', async () => {
    await start()
    f.server.options.oidc = undefined
    const missing = await rejection<CliError>(login(ALICE))
    expect(missing.code).to.equal('login_not_used')
    expect(missing.line).to.equal(`${f.env.apiUrl} does not offer browser login. Use \`llamactl auth token\` with an API key from the web console instead`)
    op.attach(f.server)
    f.server.fail({fault: {kind: 'status', status: 501}, path: '/api/v1/auth/oidc/discovery'})
    expect((await rejection<CliError>(login(ALICE))).line).to.equal(missing.line)
    expect(reader.text, 'no code was shown').to.equal('')
  })
})
