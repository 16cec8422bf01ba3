import {expect} from 'chai'

import {CliResult} from '../../support/cli.js'
import {DEMO_PROJECTS} from '../../support/control-plane-server.js'
import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {approvingBrowser, readConfig, readSecrets} from '../../support/login-session.js'
import {ALICE, TestOidcProvider} from '../../support/oidc-provider.js'

const VARS = (key: string, project = 'p2') => ({LLAMA_AGENTS_PROJECT_ID: project, LLAMA_CLOUD_API_KEY: key})
const OVERRIDE = "Warning: Using LLAMA_CLOUD_API_KEY from the environment (overriding profile 'ci'). Set LLAMA_CLOUD_USE_PROFILE=1 to use the profile instead."

describe('auth status', function () {
  this.timeout(60_000)
  let f: Fixture

  /** Exit 1, the report on stdout all the same, and one Error line that is the check's message. */
  function failsWith(result: CliResult, pattern: RegExp): void {
    fails(result, 1, pattern)
  }

  /** No secret the fixture knows may show up anywhere. */
  function expectNoSecret(result: CliResult, ...secrets: string[]) {
    for (const secret of [f.key, ...secrets]) expect(result.stdout + result.stderr).to.not.include(secret)
  }

  describe('with API keys', () => {
    beforeEach(async () => {
      f = await setUp()
      ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'ci']))
    })
    afterEach(() => f.cleanup())

    it('explains the current profile and checks it: the text report, exit 0', async () => {
      const result = ok(await f.run(['auth', 'status']))
      const hint = `${f.key.slice(0, 6)}****${f.key.slice(-4)}`
      expect(result.stdout.split('\n')).to.deep.equal([
        'Credential:     profile ci (the current profile)',
        `Environment:    ${f.server.url}`,
        'Project:        p1',
        'Auth type:      api-key',
        'Secret store:   file',
        `API key:        ${hint}`,
        `Check:          ok: ${f.server.url} accepted the API key for project p1`,
        '',
      ])
      expect(result.stderr).to.equal('')
      expect(f.server.calls('/list-projects').at(-1)?.authorization).to.equal(`Bearer ${f.key}`)
      expectNoSecret(result)
    })

    it('--json prints the one document of credentials.md, and nothing else on stdout', async () => {
      const result = ok(await f.run(['auth', 'status', '--json']))
      expect(json(result)).to.deep.equal({
        apiUrl: f.server.url,
        authType: 'api-key',
        check: {message: `${f.server.url} accepted the API key for project p1`, requestId: null, result: 'ok'},
        keyHint: `${f.key.slice(0, 6)}****${f.key.slice(-4)}`,
        login: null,
        overrides: null,
        profile: 'ci',
        projectId: 'p1',
        secretStore: 'file',
        source: 'profile',
      })
      expectNoSecret(result)
    })

    it('--offline makes no network call: the server sees no request; check skipped, exit 0', async () => {
      const before = f.server.requests.length
      const result = ok(await f.run(['auth', 'status', '--offline', '--json']))
      expect(json(result).check).to.deep.equal({message: 'Not checked with the server (--offline)', requestId: null, result: 'skipped'})
      expect(json(result).keyHint).to.be.a('string')
      await f.server.stop() // even a server that is gone changes nothing
      ok(await f.run(['auth', 'status', '--offline']))
      expect(f.server.requests.length).to.equal(before)
    })

    it('with the variables: source env, the profile they override, the secret store "env", the warning once', async () => {
      const other = f.server.addKey()
      const result = ok(await f.run(['auth', 'status', '--json'], {env: {...VARS(other), LLAMA_CLOUD_BASE_URL: `${f.server.url}/`}}))
      expect(json(result)).to.deep.include({
        apiUrl: f.server.url,
        authType: 'api-key',
        keyHint: `${other.slice(0, 6)}****${other.slice(-4)}`,
        login: null,
        overrides: 'ci',
        profile: null,
        projectId: 'p2',
        secretStore: 'env',
        source: 'env',
      })
      expect(json(result).check.result).to.equal('ok')
      expect(result.stderr.split('\n').filter(Boolean)).to.deep.equal([OVERRIDE])
      expect(f.server.calls('/list-projects').at(-1)?.authorization).to.equal(`Bearer ${other}`)
      const text = ok(await f.run(['auth', 'status'], {env: {...VARS(other), LLAMA_CLOUD_BASE_URL: f.server.url}}))
      expect(text.stdout).to.include("Credential:     LLAMA_CLOUD_API_KEY and LLAMA_AGENTS_PROJECT_ID (overriding profile 'ci')")
      expect(text.stdout).to.include('Secret store:   environment variable')
      expectNoSecret(result, other)
      expectNoSecret(text, other)
    })

    it('LLAMA_CLOUD_USE_PROFILE=1 keeps the profile; only the key set warns and keeps it too', async () => {
      const useProfile = ok(await f.run(['auth', 'status', '--json'], {env: {...VARS('llx-unused-key-0000'), LLAMA_CLOUD_USE_PROFILE: '1'}}))
      expect(json(useProfile)).to.include({profile: 'ci', source: 'profile'})
      expect(useProfile.stderr).to.equal('')
      const keyOnly = ok(await f.run(['auth', 'status', '--json'], {env: {LLAMA_CLOUD_API_KEY: 'llx-unused-key-0000'}}))
      expect(json(keyOnly)).to.include({profile: 'ci', source: 'profile'})
      expect(keyOnly.stderr.split('\n').filter(Boolean)).to.deep.equal([
        'Warning: LLAMA_CLOUD_API_KEY is set but LLAMA_AGENTS_PROJECT_ID is missing, so the key from the environment is not used. Set both to use it',
      ])
    })

    it('an empty LLAMA_CLOUD_BASE_URL means the default control plane (checked offline: nothing leaves loopback)', async () => {
      const result = ok(await f.run(['auth', 'status', '--offline', '--json'], {env: {...VARS('llx-some-env-key-1234'), LLAMA_CLOUD_BASE_URL: ''}}))
      expect(json(result)).to.include({apiUrl: 'https://api.cloud.llamaindex.ai', source: 'env'})
    })

    it('--profile NAME checks that profile without making it current; an unknown name names those that exist', async () => {
      const other = f.server.addKey()
      ok(await f.run(['auth', 'token', '--api-key', other, '--project-id', 'p2', '--name', 'second']))
      ok(await f.run(['auth', 'switch', 'ci']))
      const result = ok(await f.run(['auth', 'status', '--profile', 'second', '--json'], {env: VARS(f.key)}))
      expect(json(result)).to.include({profile: 'second', projectId: 'p2', source: 'flag'})
      expect(result.stderr, 'the flag wins without a warning').to.equal('')
      expect(readConfig(f.dir).environments.find((e) => e.apiUrl === f.server.url)?.currentProfile).to.equal('ci')
      fails(await f.run(['auth', 'status', '--profile', 'nope']), 1, /No profile named "nope" in .*\. Profiles here: (ci, second|second, ci)$/)
    })

    it('--project-id (or --project) replaces only the project that is checked', async () => {
      const result = ok(await f.run(['auth', 'status', '--project', 'p2', '--json']))
      expect(json(result)).to.include({profile: 'ci', projectId: 'p2'})
      expect(readConfig(f.dir).profiles[0].projectId).to.equal('p1')
    })

    it('no credential: source none, exit 1, one line naming auth login, auth token and the two variables', async () => {
      ok(await f.run(['auth', 'logout', 'ci']))
      const result = await f.run(['auth', 'status', '--json'])
      const line = `No credentials: no profile is current in ${f.server.url} and LLAMA_CLOUD_API_KEY is not set. Run \`llamactl auth login\` or \`llamactl auth token\`, or set LLAMA_CLOUD_API_KEY and LLAMA_AGENTS_PROJECT_ID`
      failsWith(result, new RegExp(`^Error: ${line.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))
      expect(json(result)).to.deep.equal({
        apiUrl: f.server.url,
        authType: null,
        check: {message: line, requestId: null, result: 'no_credentials'},
        keyHint: null,
        login: null,
        overrides: null,
        profile: null,
        projectId: null,
        secretStore: null,
        source: 'none',
      })
      const text = await f.run(['auth', 'status', '--offline'])
      expect(text.code).to.equal(1)
      expect(text.stdout).to.equal(`Credential:     none\nEnvironment:    ${f.server.url}\nCheck:          no_credentials: ${line}\n`)
    })

    it('a revoked key: rejected (401) with the request id, exit 1, the report still printed', async () => {
      f.server.revokeKey(f.key)
      const result = await f.run(['auth', 'status', '--json'])
      failsWith(
        result,
        /^Error: http:\/\/127\.0\.0\.1:\d+ rejected the API key \(401, request id req-\d+\)\. Create a new key in the web console and add it with `llamactl auth token`$/,
      )
      const {check} = json(result)
      expect(check.result).to.equal('rejected')
      expect(check.requestId).to.match(/^req-\d+$/)
      expect(check.message).to.include(check.requestId)
      const text = await f.run(['auth', 'status'])
      expect(text.stdout).to.match(/^Check: +rejected: .*rejected the API key \(401/m)
    })

    it('revoked variables say to check LLAMA_CLOUD_API_KEY', async () => {
      const result = await f.run(['auth', 'status'], {env: {...VARS('llx-not-a-known-key-99'), LLAMA_CLOUD_BASE_URL: f.server.url}})
      failsWith(result, /rejected the API key \(401, request id req-\d+\)\. Check LLAMA_CLOUD_API_KEY$/)
    })

    it('a key the server refuses with 403 (injected by the server): forbidden', async () => {
      f.server.fail({fault: {kind: 'status', status: 403}, path: '/list-projects'})
      const result = await f.run(['auth', 'status', '--json'])
      failsWith(result, /accepted the API key but refused it the project list \(403, request id req-\d+\)/)
      expect(json(result).check.result).to.equal('forbidden')
    })

    it('a project removed on the server: unknown_project, listing the projects the key has', async () => {
      f.server.setProjects(f.key, [DEMO_PROJECTS[1]])
      const result = await f.run(['auth', 'status', '--json'])
      failsWith(
        result,
        /accepted the API key, but project p1 is not among its projects \(its projects: p2\)\. Choose one with `llamactl auth project` or --project-id$/,
      )
      expect(json(result).check).to.include({requestId: null, result: 'unknown_project'})
    })

    it('a stopped server, or one that never answers: unreachable, saying which', async () => {
      f.server.fail({fault: {kind: 'hang'}, path: '/list-projects'})
      const slow = await f.run(['auth', 'status', '--json'], {env: {LLAMACTL_HTTP_TIMEOUT_MS: '500'}})
      failsWith(slow, /did not answer within 0\.5s/)
      expect(json(slow).check.result).to.equal('unreachable')
      await f.server.stop()
      const down = await f.run(['auth', 'status', '--json'])
      failsWith(down, /^Error: Could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/)
      expect(json(down).check).to.include({requestId: null, result: 'unreachable'})
    })
  })

  describe('with a browser-login profile (real oidc-provider)', () => {
    let op: TestOidcProvider

    beforeEach(async () => {
      f = await setUp()
      op = await new TestOidcProvider().start()
      op.attach(f.server)
      ok(await f.run(['auth', 'login'], {env: approvingBrowser(ALICE.email), timeoutMs: 30_000}))
    })

    afterEach(async () => {
      await op.stop()
      await f.cleanup()
    })

    const stored = () => {
      const [profile] = readConfig(f.dir).profiles
      return {profile, secrets: readSecrets(f.dir)[`profile:${profile.id}`]}
    }

    it('reports the email, when the access token expires and that a refresh token is held; checks key and session', async () => {
      const {secrets} = stored()
      const result = ok(await f.run(['auth', 'status', '--json']))
      const doc = json(result)
      expect(doc).to.deep.include({authType: 'login', profile: ALICE.email, projectId: 'p1', secretStore: 'file', source: 'profile'})
      expect(doc.login).to.deep.equal({accessTokenExpiresAt: new Date(secrets.expiresAt! * 1000).toISOString(), email: ALICE.email, refreshable: true})
      expect(doc.check).to.deep.equal({
        message: `${f.server.url} accepted the API key for project p1; signed in as ${ALICE.email}`,
        requestId: null,
        result: 'ok',
      })
      // The session was asked with the access token, the projects with the key.
      expect(f.server.calls('/api/v1/auth/me').at(-1)?.authorization).to.equal(`Bearer ${secrets.accessToken}`)
      expect(f.server.calls('/list-projects').at(-1)?.authorization).to.equal(`Bearer ${secrets.apiKey}`)
      const text = ok(await f.run(['auth', 'status']))
      expect(text.stdout).to.include(`Email:          ${ALICE.email}\nAccess token:   expires ${doc.login.accessTokenExpiresAt}\nRefresh token:  held\n`)
      for (const secret of [secrets.apiKey!, secrets.accessToken!, secrets.refreshToken!, secrets.idToken!])
        expect(result.stdout + text.stdout + text.stderr).to.not.include(secret)
    })

    it('a revoked key is replaced as any command would, with its one line; the report shows the new key', async () => {
      const before = stored()
      f.server.revokeKey(before.secrets.apiKey!)
      const result = ok(await f.run(['auth', 'status', '--json']))
      const after = stored()
      expect(after.secrets.apiKey).to.not.equal(before.secrets.apiKey)
      expect(json(result).keyHint).to.equal(`${after.secrets.apiKey!.slice(0, 6)}****${after.secrets.apiKey!.slice(-4)}`)
      expect(result.stderr).to.match(
        /^Warning: The server rejected the CLI API key of alice@example\.com: replaced it with a new one \(key-[\w-]+\) and revoked the old one \(key-[\w-]+\)\n$/,
      )
      expect(op.grants('refresh_token')).to.have.length(1)
    })

    it('a refused refresh with a revoked key: session_expired, exit 1', async () => {
      const {secrets} = stored()
      f.server.revokeKey(secrets.apiKey!)
      await op.provider.RefreshToken.find(secrets.refreshToken!).then((t) => t?.destroy())
      const result = await f.run(['auth', 'status', '--json'])
      failsWith(result, /^Error: The login session of alice@example\.com expired \(.*\)\. Run `llamactl auth login` again$/)
      expect(json(result).check.result).to.equal('session_expired')
    })

    it('a working key but a session whose refresh is refused: session_expired, saying the key still works', async () => {
      const {secrets} = stored()
      await op.provider.AccessToken.find(secrets.accessToken!).then((t) => t?.destroy())
      await op.provider.RefreshToken.find(secrets.refreshToken!).then((t) => t?.destroy())
      const result = await f.run(['auth', 'status', '--json'])
      failsWith(result, /^Error: The API key works, but the login session of alice@example\.com expired \(.*\)\. Run `llamactl auth login` again$/)
      expect(json(result).check.result).to.equal('session_expired')
    })
  })

  it('a key-less profile in an environment without auth: checked without a key', async () => {
    f = await setUp({requiresAuth: false})
    try {
      ok(await f.run(['auth', 'project', 'p7']))
      const result = ok(await f.run(['auth', 'status', '--json']))
      expect(json(result)).to.deep.include({authType: 'none', keyHint: null, profile: 'default', projectId: 'p7', secretStore: null})
      expect(json(result).check.result).to.equal('ok')
      expect(f.server.calls('/list-projects').at(-1)?.authorization).to.equal(undefined)
    } finally {
      await f.cleanup()
    }
  })
})
