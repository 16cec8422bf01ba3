import {expect} from 'chai'

import {DefaultServices} from '../../src/services/factory.js'
import {secretAccount, SecretStore} from '../../src/stores/secret-store.js'
import type {ProfileRecord} from '../../src/stores/schema.js'
import type {StatusJson} from '../../src/ui/views.js'
import {ControlPlaneOptions, DEMO_PROJECTS} from '../support/control-plane-server.js'
import {InProcess, inProcess} from '../support/in-process.js'
import {loggedInProfile} from '../support/login-session.js'
import {ALICE, TestOidcProvider} from '../support/oidc-provider.js'

const hint = (key: string) => `${key.slice(0, 6)}****${key.slice(-4)}`

/**
 * `auth status`'s results, over the real StatusService in this process: real stores in a temp
 * config dir (file secret store), the loopback test control plane, a real oidc-provider for
 * login profiles. The command's own output is covered by test/commands/auth/status.e2e.test.ts.
 */
describe('StatusService: the results of auth status', function () {
  this.timeout(30_000)
  let f: InProcess

  async function start(options: ControlPlaneOptions = {}) {
    f = await inProcess(options)
  }

  /** The services of a fresh command run (nothing cached from the setup), with `env` as its variables. */
  const command = (env: NodeJS.ProcessEnv = {}) =>
    new DefaultServices({
      configDir: f.dir,
      env: {LLAMACTL_HTTP_TIMEOUT_MS: '3000', LLAMACTL_SECRET_STORE: 'file', ...env},
      version: '0.1.0',
      warn: (m) => f.warnings.push(m),
    })

  const status = async (request: {offline?: boolean; profile?: string; projectId?: string} = {}, env: NodeJS.ProcessEnv = {}): Promise<StatusJson> =>
    (await command(env).statusService()).status({offline: false, ...request})

  async function apiKeyProfile(key = f.key, name = 'ci', projectId = 'p1') {
    return (await f.services.profileService()).create({apiUrl: f.env.apiUrl, authType: 'api-key', keyHint: hint(key), name, projectId}, {apiKey: key})
  }

  afterEach(() => f.cleanup())

  describe('with an API-key profile', () => {
    beforeEach(async () => {
      await start()
      await apiKeyProfile()
    })

    it('ok: the report of the current profile, the server asked with its key', async () => {
      expect(await status()).to.deep.equal({
        apiUrl: f.server.url,
        authType: 'api-key',
        check: {message: `${f.server.url} accepted the API key for project p1`, requestId: null, result: 'ok'},
        keyHint: hint(f.key),
        keychainUnavailable: null,
        login: null,
        overrides: null,
        profile: 'ci',
        projectId: 'p1',
        secretStore: 'file',
        source: 'profile',
      })
      expect(f.server.calls('/list-projects').at(-1)?.authorization).to.equal(`Bearer ${f.key}`)
    })

    it('skipped: --offline sends nothing, even to a stopped server', async () => {
      await f.server.stop()
      const before = f.server.requests.length
      const report = await status({offline: true})
      expect(report.check).to.deep.equal({message: 'Not checked with the server (--offline)', requestId: null, result: 'skipped'})
      expect(report.keyHint).to.equal(hint(f.key))
      expect(f.server.requests.length).to.equal(before)
    })

    it('rejected: a revoked key (401) with the request id and what to do', async () => {
      f.server.revokeKey(f.key)
      const {check} = await status()
      expect(check.result).to.equal('rejected')
      expect(check.requestId).to.match(/^req-\d+$/)
      expect(check.message).to.equal(
        `${f.server.url} rejected the API key (401, request id ${check.requestId}). Create a new key in the web console and add it with \`llamactl auth token\``,
      )
    })

    it('rejected variables say to check LLAMA_CLOUD_API_KEY, and override the current profile', async () => {
      // A profile name of its own: the override warning is given once per process, and other files expect theirs.
      await apiKeyProfile(f.key, 'overridden-by-vars')
      const report = await status({}, {LLAMA_AGENTS_PROJECT_ID: 'p2', LLAMA_CLOUD_API_KEY: 'llx-not-a-known-key-99', LLAMA_CLOUD_BASE_URL: `${f.server.url}/`})
      expect(report).to.deep.include({overrides: 'overridden-by-vars', profile: null, projectId: 'p2', secretStore: 'env', source: 'env'})
      expect(report.check.result).to.equal('rejected')
      expect(report.check.message).to.match(/\. Check LLAMA_CLOUD_API_KEY$/)
    })

    it('forbidden: a key the server refuses with 403', async () => {
      f.server.fail({fault: {kind: 'status', status: 403}, path: '/list-projects'})
      const {check} = await status()
      expect(check.result).to.equal('forbidden')
      expect(check.message).to.match(/accepted the API key but refused it the project list \(403, request id req-\d+\)/)
    })

    it('unknown_project: the project is gone from the key’s projects, which are listed', async () => {
      f.server.setProjects(f.key, [DEMO_PROJECTS[1]])
      expect((await status()).check).to.deep.equal({
        message: `${f.server.url} accepted the API key, but project p1 is not among its projects (its projects: p2). Choose one with \`llamactl auth project\` or --project-id`,
        requestId: null,
        result: 'unknown_project',
      })
      expect((await status({projectId: 'p2'})).check.result, '--project-id replaces the project checked').to.equal('ok')
    })

    it('server_error: a 5xx answer is not "unreachable": the status code and request id, and no "try again later"', async () => {
      f.server.fail({fault: {kind: 'status', status: 503}, path: '/list-projects'})
      const {check} = await status()
      expect(check.result).to.equal('server_error')
      expect(check.requestId).to.match(/^req-\d+$/)
      expect(check.message).to.equal(
        `${f.server.url} answered the project list with an error (503, request id ${check.requestId}). The server failed, not the credential: report it to the server's operators with the request id`,
      )
      expect(check.message).to.not.match(/try again later/i)
    })

    it('unreachable: a stopped server', async () => {
      await f.server.stop()
      const {check} = await status()
      expect(check).to.include({requestId: null, result: 'unreachable'})
      expect(check.message).to.match(/^Could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/)
    })

    it('no_credentials: no profile, or a profile whose secrets are gone', async () => {
      const profile = await f.services.profileStore.get(f.env.apiUrl, 'ci')
      await (await f.services.secretStore()).delete(secretAccount(profile))
      const missing = await status()
      expect(missing.check.result).to.equal('no_credentials')
      expect(missing.check.message).to.match(/^The secrets of profile ci are missing from the file store\. Log out/)
      await f.services.profileStore.setCurrent(f.env.apiUrl, null)
      const none = await status()
      expect(none).to.include({source: 'none', profile: null, keychainUnavailable: null})
      expect(none.check.result).to.equal('no_credentials')
      expect(none.check.message).to.match(/^No credentials: no profile is current in /)
    })

    it('every server string is redacted, the key in play by value: a server echoing the key in request ids and project ids shows none of it', async () => {
      // A key with no key shape (no llx-, one letter case): only knowing it finds it.
      const key = f.server.addKey('plainsecretkeyvalue0000')
      await apiKeyProfile(key, 'echo', 'p9')
      f.server.setProjects(key, [{deployment_count: 0, project_id: `echo-${key}`, project_name: null}])
      f.server.options.requestId = `rid-${key}`
      const unknown = await status({profile: 'echo'})
      expect(unknown.check.result).to.equal('unknown_project')
      expect(JSON.stringify(unknown)).to.not.include(key)
      expect(unknown.check.message).to.include(`echo-${hint(key)}`)
      f.server.fail({fault: {kind: 'status', status: 500}, path: '/list-projects'})
      const failed = await status({profile: 'echo'})
      expect(failed.check.result).to.equal('server_error')
      expect(failed.check.requestId).to.equal(`rid-${hint(key)}`)
      expect(JSON.stringify(failed)).to.not.include(key)
    })
  })

  it('requires_auth false: a key is sent, and the ok message says the server does not require one rather than that it accepted it', async () => {
    await start({requiresAuth: false})
    await apiKeyProfile()
    const {check} = await status()
    expect(check.result).to.equal('ok')
    expect(check.message).to.equal(`${f.server.url} answered, but it does not require an API key (requires_auth is false), so the key was not checked`)
    expect(check.message).to.not.include('accepted')
  })

  it('a key-less profile in an environment without auth: ok, checked without a key', async () => {
    await start({requiresAuth: false})
    await (await f.services.projectService()).setProject(f.env, 'p7', {interactive: false, prompter: async () => Promise.reject(new Error('no prompt'))})
    const report = await status()
    expect(report).to.deep.include({authType: 'none', keyHint: null, profile: 'default', projectId: 'p7', secretStore: null})
    expect(report.check).to.deep.include({result: 'ok'})
    expect(f.server.calls('/list-projects').at(-1)?.authorization).to.equal(undefined)
  })

  it('[fake: keytar load failure] a fallback to the file says why in keychainUnavailable', async () => {
    await start()
    const services = new DefaultServices(
      {configDir: f.dir, env: {LLAMACTL_HTTP_TIMEOUT_MS: '3000'}, version: '0.1.0', warn: (m) => f.warnings.push(m)},
      {
        secretStore: async () =>
          new SecretStore({
            dir: f.dir,
            loadKeytar: () => Promise.reject(new Error('Cannot find package keytar')),
            warn: (m) => f.warnings.push(m),
            warned: new Set(),
          }),
      },
    )
    await (await services.profileService()).create({apiUrl: f.env.apiUrl, authType: 'api-key', name: 'ci', projectId: 'p1'}, {apiKey: f.key})
    const report = await (await services.statusService()).status({offline: true})
    expect(report).to.include({keychainUnavailable: 'keytar could not be loaded: Cannot find package keytar', secretStore: 'file'})
  })

  describe('with a browser-login profile (real oidc-provider)', () => {
    let op: TestOidcProvider
    let profile: ProfileRecord
    let secrets: {accessToken: string; apiKey: string; expiresAt?: number; idToken?: string; refreshToken?: string}

    beforeEach(async () => {
      await start()
      op = await new TestOidcProvider().start()
      op.attach(f.server)
      ;({profile, secrets} = await loggedInProfile(f.server.url, op.discoveryUrl))
      await f.services.profileStore.save(profile)
      await (await f.services.secretStore()).set(secretAccount(profile), secrets)
    })

    afterEach(() => op.stop())

    it('ok: the email, the token expiry, the refresh token held; key and session both checked', async () => {
      const report = await status()
      expect(report).to.deep.include({authType: 'login', profile: ALICE.email, secretStore: 'file', source: 'profile'})
      expect(report.login).to.deep.equal({accessTokenExpiresAt: new Date(secrets.expiresAt! * 1000).toISOString(), email: ALICE.email, refreshable: true})
      expect(report.check).to.deep.equal({
        message: `${f.server.url} accepted the API key for project p1; signed in as ${ALICE.email}`,
        requestId: null,
        result: 'ok',
      })
      expect(f.server.calls('/api/v1/auth/me').at(-1)?.authorization).to.equal(`Bearer ${secrets.accessToken}`)
      expect(f.server.calls('/list-projects').at(-1)?.authorization).to.equal(`Bearer ${secrets.apiKey}`)
    })

    it('a revoked key is replaced as any command would; the report shows the new key from the same object', async () => {
      f.server.revokeKey(secrets.apiKey)
      const report = await status()
      const stored = f.secrets()[secretAccount(profile)]
      expect(stored.apiKey).to.not.equal(secrets.apiKey)
      expect(report.keyHint).to.equal(hint(stored.apiKey!))
      expect(report.check.result).to.equal('ok')
      expect(f.warnings.filter((w) => /replaced it with a new one/.test(w))).to.have.length(1)
      expect(op.grants('refresh_token')).to.have.length(1)
    })

    it('session_expired: a revoked key whose refresh is refused', async () => {
      f.server.revokeKey(secrets.apiKey)
      await op.provider.RefreshToken.find(secrets.refreshToken!).then((t) => t?.destroy())
      const {check} = await status()
      expect(check.result).to.equal('session_expired')
      expect(check.message).to.match(/^The login session of alice@example\.com expired \(.+\)\. Run `llamactl auth login` again$/)
    })

    it('session_expired: a working key but a session whose refresh is refused says the key still works', async () => {
      await op.provider.AccessToken.find(secrets.accessToken).then((t) => t?.destroy())
      await op.provider.RefreshToken.find(secrets.refreshToken!).then((t) => t?.destroy())
      const {check} = await status()
      expect(check.result).to.equal('session_expired')
      expect(check.message).to.match(/^The API key works, but the login session of alice@example\.com expired \(.+\)\. Run `llamactl auth login` again$/)
    })

    it('a /me name or email echoing a secret in play is redacted', async () => {
      f.server.acceptToken = async () => ({email: `x${secrets.accessToken}@example.com`, id: 'u', name: null, projects: DEMO_PROJECTS})
      const report = await status()
      expect(report.check.result).to.equal('ok')
      expect(JSON.stringify(report)).to.not.include(secrets.accessToken)
    })
  })
})
