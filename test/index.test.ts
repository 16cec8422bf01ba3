import {expect} from 'chai'
import {rmSync} from 'node:fs'
import path from 'node:path'
import {inspect} from 'node:util'

import {ApiError, CliError, createControlPlaneClient, currentCredentials, resolveCredentials} from '../src/index.js'
import {Fixture, ok, setUp} from './support/fixture.js'

describe('currentCredentials (the library API other llamactl commands use)', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true})
  })
  afterEach(() => f.cleanup())

  // The key is readable by name but not enumerable: spelled out so deep.equal sees it.
  const read = async () => {
    const current = await currentCredentials(f.dir, {env: {LLAMACTL_SECRET_STORE: 'file'}, warn: () => expect.fail('no warning expected')})
    return current && {...current, apiKey: current.apiKey}
  }

  it('is null while no profile is current', async () => {
    expect(await read()).to.equal(null)
  })

  it('gives the current profile, its project and its API key', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p2', '--name', 'library-ci']))
    expect(await read()).to.deep.equal({apiKey: f.key, apiUrl: f.server.url, profile: 'library-ci', projectId: 'p2'})
    ok(await f.run(['auth', 'logout', 'library-ci']))
    expect(await read()).to.equal(null)
  })
})

// The profile's name is this file's own: the override warning is said once per process, and the
// unit lane runs other files' commands in this process (CONTRIBUTING.md, "Run the tests").
describe('the library API of credentials.md (resolveCredentials, createControlPlaneClient, profileFlag, BaseCommand)', () => {
  let f: Fixture
  const warnings: string[] = []
  const options = (env: NodeJS.ProcessEnv = {}) => ({
    configDir: f.dir,
    env: {LLAMACTL_SECRET_STORE: 'file', ...env},
    version: '9.9.9',
    warn: (m: string) => warnings.push(m),
  })

  beforeEach(async () => {
    f = await setUp({inProcess: true})
    warnings.length = 0
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'library-ci']))
  })
  afterEach(() => f.cleanup())

  it('exports what a command of the larger llamactl needs', async () => {
    const lib = await import('../src/index.js')
    for (const name of [
      'BaseCommand',
      'profileFlag',
      'projectIdFlag',
      'resolveCredentials',
      'createControlPlaneClient',
      'currentCredentials',
      'CredentialClient',
      'ApiError',
      'CliError',
      'UsageError',
      'ExitCode',
      'CREDENTIAL_VARIABLES',
    ])
      expect(lib, name).to.have.property(name)
    expect(lib.profileFlag).to.include({type: 'option'})
    expect(lib.projectIdFlag.aliases).to.deep.equal(['project'])
  })

  it('resolveCredentials: the current profile, --profile, --project-id, and the variables (with the warning)', async () => {
    // The key is readable by name but not enumerable (a copy of the credentials carries none).
    const current = await resolveCredentials(options())
    expect({...current, apiKey: current.apiKey}).to.deep.equal({apiKey: f.key, apiUrl: f.server.url, profile: 'library-ci', projectId: 'p1', source: 'profile'})
    expect(await resolveCredentials({...options(), profile: 'library-ci', projectId: 'p2'})).to.include({projectId: 'p2', source: 'flag'})
    const env = await resolveCredentials(options({LLAMA_AGENTS_PROJECT_ID: 'p2', LLAMA_CLOUD_API_KEY: 'llx-env', LLAMA_CLOUD_BASE_URL: f.server.url}))
    expect({...env, apiKey: env.apiKey}).to.deep.equal({apiKey: 'llx-env', apiUrl: f.server.url, profile: null, projectId: 'p2', source: 'env'})
    expect(warnings).to.have.length(1)
  })

  it('createControlPlaneClient: the key as bearer, any JSON endpoint, one-line errors carrying the request id', async () => {
    const client = await createControlPlaneClient(await resolveCredentials(options()), options())
    expect(client.credentials.projectId).to.equal('p1')
    expect(await client.request('GET', '/api/v1beta1/deployments', {query: {project_id: 'p1'}})).to.deep.equal({
      deployments: [1, 2, 3].map((i) => ({id: `p1-d${i}`, name: `app-${i}`, status: 'Running'})),
    })
    const call = f.server.calls('/api/v1beta1/deployments', 'GET').at(-1)!
    expect(call.authorization).to.equal(`Bearer ${f.key}`)
    expect((await client.listProjects()).map((p) => p.projectId)).to.deep.equal(['p1', 'p2'])

    let error: ApiError | undefined
    try {
      await client.request('GET', '/api/v1beta1/deployments', {query: {project_id: 'not-mine'}})
    } catch (error_) {
      error = error_ as ApiError
    }

    // (Under tsx the dynamically imported client module is another instance than this file's, so no instanceof.)
    expect(error?.name).to.equal('ApiError')
    expect(error!.status).to.equal(403)
    expect(error!.requestId).to.match(/^req-\d+$/)
    expect(error!.line).to.include(`request id ${error!.requestId}`)
    let usage: CliError | undefined
    try {
      await client.request('GET', 'https://elsewhere.example.com/x')
    } catch (error_) {
      usage = error_ as CliError
    }

    expect(usage?.code).to.equal('usage')
  })

  it('JSON.stringify and util.inspect of the credentials, the client and currentCredentials show the key redacted, while apiKey stays readable', async () => {
    const credentials = await resolveCredentials(options())
    const client = await createControlPlaneClient(credentials, options())
    const current = (await currentCredentials(f.dir, options()))!
    const redacted = `${f.key.slice(0, 6)}****${f.key.slice(-4)}`
    expect(credentials.apiKey).to.equal(f.key)
    expect(current.apiKey).to.equal(f.key)
    expect(client.credentials.apiKey).to.equal(f.key)
    for (const value of [credentials, client, client.credentials, client.credential, current]) {
      for (const shown of [JSON.stringify(value), inspect(value, {depth: 5, showHidden: true}), `${JSON.stringify({value})}`]) {
        expect(shown).to.not.include(f.key)
        expect(shown).to.include(redacted)
      }
    }

    expect(JSON.parse(JSON.stringify(credentials))).to.deep.equal({
      apiKey: redacted,
      apiUrl: f.server.url,
      profile: 'library-ci',
      projectId: 'p1',
      source: 'profile',
    })
  })

  it('createControlPlaneClient of resolved credentials uses their credential object: nothing is read again', async () => {
    const credentials = await resolveCredentials(options())
    const client = await createControlPlaneClient(credentials, options())
    // The secrets file goes away: a client that read again would fail with secrets_missing.
    rmSync(path.join(f.dir, 'secrets.json'))
    expect((await client.listProjects()).map((p) => p.projectId)).to.deep.equal(['p1', 'p2'])
    expect(client.credentials.apiKey).to.equal(f.key)
  })
})
