import {expect} from 'chai'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {CredentialRequest, Credentials, CredentialService} from '../../src/services/credentials.js'
import {DefaultServices} from '../../src/services/factory.js'
import {DEFAULT_API_URL} from '../../src/stores/schema.js'
import {tempConfigDir} from '../support/cli.js'
import {rejection} from '../support/rejection.js'

const CP = 'https://cp.example.com'
const OVERRIDE = (name: string) =>
  `Using LLAMA_CLOUD_API_KEY from the environment (overriding profile '${name}'). Set LLAMA_CLOUD_USE_PROFILE=1 to use the profile instead.`

/** Real stores in a temp config dir (secrets in the 0600 file); no server is involved in resolving. */
describe('CredentialService: the resolution order of credentials.md', () => {
  let config: ReturnType<typeof tempConfigDir>
  let services: DefaultServices
  let warnings: string[]

  /** A resolver reading `env` as its variables, with a fresh once-per-process warning memory. */
  function resolver(env: NodeJS.ProcessEnv = {}, warned = new Set<string>()) {
    return new CredentialService({
      client: (apiUrl) => new ControlPlaneClient(apiUrl),
      env,
      environments: services.environmentStore,
      profiles: services.profileStore,
      secrets: async () => ({secrets: await services.secretStore()}),
      warn: (message) => warnings.push(message),
      warned,
    })
  }

  /** The credentials with their key as a plain property (it is not enumerable, so deep.equal would not see it). */
  const plain = (c: Credentials) => ({...c, apiKey: c.apiKey})
  const resolve = async (env: NodeJS.ProcessEnv, request: CredentialRequest = {}) => plain(await resolver(env).credentialsInEffect(request))

  const failure = (promise: Promise<unknown>) => rejection<CliError>(promise)

  /** What the config dir holds, byte for byte, with mtimes. */
  const snapshot = () =>
    readdirSync(config.dir)
      .sort()
      .map((name) => {
        const file = path.join(config.dir, name)
        return {mtime: statSync(file).mtimeMs, name, text: statSync(file).isFile() ? readFileSync(file, 'utf8') : null}
      })

  beforeEach(async () => {
    config = tempConfigDir()
    services = new DefaultServices({configDir: config.dir, env: {LLAMACTL_SECRET_STORE: 'file'}, version: '1.0.0', warn: () => {}})
    warnings = []
    await services.environmentStore.upsert(CP, {minLlamactlVersion: null, requiresAuth: true})
    await services.environmentStore.switch(CP)
    const profiles = await services.profileService()
    // "ci" is made last, so it is current; "other" is not.
    await profiles.create({apiUrl: CP, authType: 'api-key', keyHint: 'llx-ot****2222', name: 'other', projectId: 'p2'}, {apiKey: 'llx-other-2222'})
    await profiles.create({apiUrl: CP, authType: 'api-key', keyHint: 'llx-ci****1111', name: 'ci', projectId: 'p1'}, {apiKey: 'llx-ci-1111'})
  })

  afterEach(() => config.cleanup())

  it('3. without flag or variables: the current profile of the current environment, its key from the secret store', async () => {
    expect(await resolve({})).to.deep.equal({apiKey: 'llx-ci-1111', apiUrl: CP, profile: 'ci', projectId: 'p1', source: 'profile'})
    expect(warnings).to.deep.equal([])
  })

  it('1. --profile NAME: that profile, without making it current', async () => {
    const before = snapshot()
    expect(await resolve({}, {profile: 'other'})).to.deep.equal({apiKey: 'llx-other-2222', apiUrl: CP, profile: 'other', projectId: 'p2', source: 'flag'})
    expect((await services.profileStore.current(CP))?.name).to.equal('ci')
    expect(snapshot()).to.deep.equal(before)
  })

  it('1. --profile with an unknown name fails naming the profiles that exist', async () => {
    const error = await failure(resolve({}, {profile: 'nope'}))
    expect(error.code).to.equal('unknown_profile')
    expect(error.line).to.match(new RegExp(`^No profile named "nope" in ${CP}\\. Profiles here: (ci, other|other, ci)$`))
  })

  it('1. --profile wins over the variables, without a warning', async () => {
    const env = {LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env'}
    expect(await resolve(env, {profile: 'other'})).to.include({apiKey: 'llx-other-2222', source: 'flag'})
    expect(warnings).to.deep.equal([])
  })

  it('2. both variables: that key and project at the default URL, warning once per process that they override the current profile', async () => {
    const env = {LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env'}
    const warned = new Set<string>()
    for (let i = 0; i < 2; i++)
      expect(plain(await resolver(env, warned).credentialsInEffect())).to.deep.equal({
        apiKey: 'llx-env',
        apiUrl: DEFAULT_API_URL,
        profile: null,
        projectId: 'pe',
        source: 'env',
      })
    expect(warnings).to.deep.equal([OVERRIDE('ci')])
  })

  it('2. both variables with no current profile: no warning', async () => {
    await services.profileStore.setCurrent(CP, null)
    expect(await resolve({LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env'})).to.include({source: 'env'})
    expect(warnings).to.deep.equal([])
  })

  it('2. LLAMA_CLOUD_BASE_URL: its trailing / dropped; empty means the default', async () => {
    const env = {LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env'}
    expect((await resolve({...env, LLAMA_CLOUD_BASE_URL: 'https://other.example.com/'})).apiUrl).to.equal('https://other.example.com')
    expect((await resolve({...env, LLAMA_CLOUD_BASE_URL: ''})).apiUrl).to.equal(DEFAULT_API_URL)
    expect((await resolve({...env, LLAMA_CLOUD_BASE_URL: 'http://127.0.0.1:8000//'})).apiUrl).to.equal('http://127.0.0.1:8000')
  })

  it('2. a LLAMA_CLOUD_BASE_URL that is no http(s) URL is a usage error naming the variable', async () => {
    const error = await failure(resolve({LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env', LLAMA_CLOUD_BASE_URL: 'ftp://x'}))
    expect(error.code).to.equal('usage')
    expect(error.line).to.match(/^LLAMA_CLOUD_BASE_URL: "ftp:\/\/x" is not an http\(s\) URL/)
  })

  it('2. a plain-http LLAMA_CLOUD_BASE_URL off loopback is used, with a warning that the key can be read on the network', async () => {
    const creds = await resolve({LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env', LLAMA_CLOUD_BASE_URL: 'http://cp.internal'})
    expect(creds.apiUrl).to.equal('http://cp.internal')
    expect(warnings.find((w) => w.startsWith('LLAMA_CLOUD_BASE_URL is http://cp.internal, plain http'))).to.be.a('string')
  })

  it('2. LLAMA_CLOUD_USE_PROFILE true (pydantic: 1, true, t, yes, y, on, any case) keeps the profile; false or empty does not; anything else is a usage error', async () => {
    const env = {LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env'}
    for (const value of ['1', 'true', 'TRUE', 'Yes', ' yes ', 't', 'Y', 'on'])
      expect((await resolve({...env, LLAMA_CLOUD_USE_PROFILE: value})).source, value).to.equal('profile')
    for (const value of ['0', 'false', 'no', '', 'f', 'N', 'OFF'])
      expect((await resolve({...env, LLAMA_CLOUD_USE_PROFILE: value})).source, value).to.equal('env')
    expect((await failure(resolve({...env, LLAMA_CLOUD_USE_PROFILE: 'maybe'}))).code).to.equal('usage')
    expect(warnings.every((w) => w === OVERRIDE('ci'))).to.equal(true)
  })

  it('2. only the key set: one warning that LLAMA_AGENTS_PROJECT_ID is missing, then the current profile', async () => {
    expect(await resolve({LLAMA_CLOUD_API_KEY: 'llx-env'})).to.include({apiKey: 'llx-ci-1111', source: 'profile'})
    expect(await resolve({LLAMA_AGENTS_PROJECT_ID: '  ', LLAMA_CLOUD_API_KEY: 'llx-env'})).to.include({source: 'profile'})
    expect(warnings).to.have.length(2)
    expect(warnings[0]).to.equal(
      'LLAMA_CLOUD_API_KEY is set but LLAMA_AGENTS_PROJECT_ID is missing, so the key from the environment is not used. Set both to use it',
    )
  })

  it('2. only the project set, or an empty or blank key: the variables are ignored silently', async () => {
    for (const env of [
      {LLAMA_AGENTS_PROJECT_ID: 'pe'},
      {LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: ''},
      {LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: ' \t'},
    ])
      expect(await resolve(env)).to.include({projectId: 'p1', source: 'profile'})
    expect(warnings).to.deep.equal([])
  })

  it('4. nothing: one line naming the profiles there and auth use (none is current), and both variables', async () => {
    await services.profileStore.setCurrent(CP, null)
    for (const env of [{}, {LLAMA_CLOUD_API_KEY: 'llx-env'}, {LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env', LLAMA_CLOUD_USE_PROFILE: '1'}]) {
      const error = await failure(resolve(env))
      expect(error.code).to.equal('no_credentials')
      expect(error.line).to.equal(
        `No credentials: no profile is current in ${CP} (it has ci, other) and LLAMA_CLOUD_API_KEY is not set. Choose one with \`llamactl auth use NAME\` (or \`llamactl auth switch NAME\`), or set LLAMA_CLOUD_API_KEY and LLAMA_AGENTS_PROJECT_ID`,
      )
    }
  })

  it('--project-id replaces only the project, whatever the source', async () => {
    expect(await resolve({}, {projectId: 'px'})).to.deep.equal({apiKey: 'llx-ci-1111', apiUrl: CP, profile: 'ci', projectId: 'px', source: 'profile'})
    expect(await resolve({}, {profile: 'other', projectId: 'px'})).to.include({profile: 'other', projectId: 'px'})
    expect(await resolve({LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env'}, {projectId: 'px'})).to.include({apiKey: 'llx-env', projectId: 'px'})
    expect((await services.profileStore.get(CP, 'ci')).projectId, 'the profile keeps its project').to.equal('p1')
  })

  it('a key-less profile resolves with apiKey null', async () => {
    const profiles = await services.profileService()
    await profiles.create({apiUrl: CP, authType: 'none', name: 'open', projectId: 'p9'}, null)
    expect(await resolve({})).to.deep.equal({apiKey: null, apiUrl: CP, profile: 'open', projectId: 'p9', source: 'profile'})
  })

  it('the variables never change the config directory, even an empty one', async () => {
    const empty = tempConfigDir()
    try {
      const bare = new DefaultServices({configDir: empty.dir, env: {}, version: '1.0.0', warn: () => {}})
      const env = {LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env', LLAMA_CLOUD_BASE_URL: 'https://x.example.com'}
      const service = new CredentialService({
        client: (apiUrl) => new ControlPlaneClient(apiUrl),
        env,
        environments: bare.environmentStore,
        profiles: bare.profileStore,
        secrets: async () => ({secrets: await bare.secretStore()}),
        warn: () => {},
        warned: new Set(),
      })
      expect(await service.credentialsInEffect()).to.include({apiUrl: 'https://x.example.com', source: 'env'})
      expect(readdirSync(empty.dir)).to.deep.equal([])
    } finally {
      empty.cleanup()
    }

    const before = snapshot()
    await resolve({LLAMA_AGENTS_PROJECT_ID: 'pe', LLAMA_CLOUD_API_KEY: 'llx-env'})
    expect(snapshot()).to.deep.equal(before)
  })

  it('a profile whose secret is gone is an error saying so, not "no credentials"', async () => {
    const secrets = await services.secretStore()
    await secrets.delete(`profile:${(await services.profileStore.get(CP, 'ci')).id}`)
    const error = await failure(resolve({}))
    expect(error.code).to.equal('secrets_missing')
    expect(error.line).to.match(/^The secrets of profile ci are missing from the file store\. Log out/)
  })
})
