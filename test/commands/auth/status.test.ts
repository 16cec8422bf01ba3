import {expect} from 'chai'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {statusExplainsTheCurrentProfile} from './status.cases.js'

/**
 * `auth status` as a process: what it prints, where, and its exit code. Its results (ok,
 * rejected, forbidden, unknown_project, server_error, unreachable, session_expired, skipped,
 * no_credentials) are tested in-process over the service: test/services/status-service.test.ts.
 */
describe('auth status', function () {
  this.timeout(60_000)
  let f: Fixture

  beforeEach(async () => {
    f = await setUp({inProcess: true})
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'ci']))
  })
  afterEach(() => f.cleanup())

  it('explains the current profile and checks it: the text report on stdout, nothing on stderr, exit 0', () => statusExplainsTheCurrentProfile(f))

  it('--json prints the one documented document, and nothing else on stdout', async () => {
    const result = ok(await f.run(['auth', 'status', '--json']))
    expect(json(result)).to.deep.equal({
      apiUrl: f.server.url,
      authType: 'api-key',
      check: {message: `${f.server.url} accepted the API key for project p1`, requestId: null, result: 'ok'},
      keyHint: `${f.key.slice(0, 6)}****${f.key.slice(-4)}`,
      keychainUnavailable: null,
      login: null,
      overrides: null,
      profile: 'ci',
      projectId: 'p1',
      secretStore: 'file',
      source: 'profile',
    })
    expect(result.stdout + result.stderr).to.not.include(f.key)
  })

  it('no credential: the long message is printed once (the Error line), exit 1; --json has it as check.message', async () => {
    ok(await f.run(['auth', 'logout', 'ci']))
    const line = `No credentials: no profile is current in ${f.server.url} and LLAMA_CLOUD_API_KEY is not set. Run \`llamactl auth login\` or \`llamactl auth token\`, or set LLAMA_CLOUD_API_KEY and LLAMA_AGENTS_PROJECT_ID`
    const text = await f.run(['auth', 'status', '--offline'])
    fails(text, 1, /^Error: No credentials: /)
    expect(text.stdout).to.equal(`Credential:     none\nEnvironment:    ${f.server.url}\nCheck:          no_credentials\n`)
    expect((text.stdout + text.stderr).split('No credentials:')).to.have.length(2)
    const result = await f.run(['auth', 'status', '--json'])
    fails(result, 1, /^Error: No credentials: /)
    expect(json(result).check).to.deep.equal({message: line, requestId: null, result: 'no_credentials'})
  })

  it('a revoked key: exit 1, the report printed all the same, the reason once as the Error line', async () => {
    f.server.revokeKey(f.key)
    const result = await f.run(['auth', 'status'])
    fails(
      result,
      1,
      /^Error: http:\/\/127\.0\.0\.1:\d+ rejected the API key \(401, request id req-\d+\)\. Create a new key in the web console and add it with `llamactl auth token`$/,
    )
    expect(result.stdout).to.match(/^Check: +rejected\n$/m)
  })

  it('a server echoing the key back (request ids, project ids) gets none of it to stdout or stderr, text or --json', async () => {
    // No key shape (no llx-, one letter case): only knowing the key in play finds it.
    const key = f.server.addKey('plainsecretkeyvalue0000')
    ok(await f.run(['auth', 'token', '--api-key', key, '--project-id', 'p1', '--name', 'echo']))
    f.server.setProjects(key, [{deployment_count: 0, project_id: `p-${key}`, project_name: null}])
    f.server.options.requestId = `rid-${key}`
    const unknown = await f.run(['auth', 'status'])
    fails(unknown, 1, /is not among its projects \(its projects: p-plains\*\*\*\*0000\)/)
    f.server.fail({fault: {kind: 'status', status: 500}, path: '/list-projects'})
    const failed = await f.run(['auth', 'status', '--json'])
    fails(failed, 1, /answered the project list with an error \(500, request id rid-plains\*\*\*\*0000\)/)
    expect(json(failed).check.result).to.equal('server_error')
    for (const result of [unknown, failed]) expect(result.stdout + result.stderr).to.not.include(key)
  })

  it('--json never carries a raw C1 control from a server: a request id has them spelled out where it is read', async () => {
    f.server.options.requestId = 'req-\u009B31m-\u0085'
    f.server.revokeKey(f.key)
    const result = await f.run(['auth', 'status', '--json'])
    expect(result.code).to.equal(1)
    expect(result.stdout).to.not.match(/[\u007F-\u009F]/)
    expect(json(result).check.requestId).to.equal(String.raw`req-\u009b31m-\u0085`)
  })
})
