import {expect} from 'chai'
import {serialize} from 'node:v8'
import {inspect} from 'node:util'

import {createControlPlaneClient, currentCredentials, resolveCredentials} from '../src/index.js'
import {InProcess, inProcess} from './support/in-process.js'

/** Every ordinary way a host copies an object; none may carry a secret. */
function copies(value: object): Record<string, string> {
  const forIn: Record<string, unknown> = {}
  for (const key in value) forIn[key] = (value as Record<string, unknown>)[key]
  return {
    assign: JSON.stringify(Object.assign({}, value), replacer),
    entries: JSON.stringify(Object.entries(value), replacer),
    forIn: JSON.stringify(forIn, replacer),
    spread: JSON.stringify({...value}, replacer),
    // structuredClone and v8.serialize both walk own enumerable properties; bytes as latin1 keep any key visible.
    structuredClone: inspect(structuredClone(value), {depth: 9, showHidden: true, customInspect: false}),
    v8: serialize(value).toString('latin1'),
  }
}

/** JSON.stringify without the objects' own toJSON (which redacts): what the raw copy holds. */
function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value))
  return value
}

function expectNoSecret(value: object, secrets: string[]): void {
  for (const [how, text] of Object.entries(copies(value))) for (const secret of secrets) expect(text, `${how} copy carries a secret`).not.to.include(secret)
}

describe('library credentials carry no secret through ordinary copies (spread, Object.assign, entries, for…in, structuredClone, v8.serialize)', () => {
  let f: InProcess
  const options = () => ({configDir: f.dir, env: {LLAMACTL_SECRET_STORE: 'file'}, version: '0.1.0', warn: (m: string) => f.warnings.push(m)})

  beforeEach(async () => {
    f = await inProcess()
  })
  afterEach(() => f.cleanup())

  it('resolveCredentials, client.credentials and currentCredentials: copies lack the key, credentials.apiKey reads it', async () => {
    await (await f.services.profileService()).create({apiUrl: f.env.apiUrl, authType: 'api-key', name: 'ci', projectId: 'p1'}, {apiKey: f.key})
    await f.services.profileStore.setCurrent(f.env.apiUrl, 'ci')
    const credentials = await resolveCredentials(options())
    expect(credentials.apiKey).to.equal(f.key)
    expect(credentials).to.include({apiUrl: f.server.url, profile: 'ci', projectId: 'p1', source: 'profile'})
    expectNoSecret(credentials, [f.key])

    const client = await createControlPlaneClient(credentials, options())
    expect(client.credentials.apiKey).to.equal(f.key)
    expectNoSecret(client.credentials, [f.key])
    expectNoSecret(client, [f.key])
    expect(await client.request('GET', '/api/v1/auth/me')).to.be.an('object')

    const current = await currentCredentials(f.dir, {env: {LLAMACTL_SECRET_STORE: 'file'}})
    expect(current?.apiKey).to.equal(f.key)
    expectNoSecret(current!, [f.key])
    // JSON.stringify and util.inspect still show it redacted, the key first as before.
    expect(JSON.stringify(credentials)).to.match(/^\{"apiKey":"llx-/)
    expect(inspect(current)).not.to.include(f.key)
  })

  it('{...client.credential} of a login profile carries neither the stored key nor the access, refresh and ID tokens', async () => {
    const secrets = {accessToken: 'access-token-0123456789', apiKey: f.key, idToken: 'id-token-0123456789', refreshToken: 'refresh-token-0123456789'}
    await (
      await f.services.profileService()
    ).create({apiUrl: f.env.apiUrl, authType: 'login', email: 'a@example.com', name: 'alice', projectId: 'p1', sub: 'sub-1'}, secrets)
    await f.services.profileStore.setCurrent(f.env.apiUrl, 'alice')
    const client = await createControlPlaneClient(await resolveCredentials(options()), options())
    expect(client.credential.secrets).to.deep.equal(secrets)
    expectNoSecret(client.credential, Object.values(secrets))
    expect(client.credential.apiKey).to.equal(f.key)
  })

  it('the variables key: a copy carries no key, and a client made from the copy is refused rather than sent key-less', async () => {
    const env = {LLAMA_AGENTS_PROJECT_ID: 'p1', LLAMA_CLOUD_API_KEY: f.key, LLAMA_CLOUD_BASE_URL: f.server.url, LLAMACTL_SECRET_STORE: 'file'}
    const credentials = await resolveCredentials({...options(), env})
    expect(credentials.apiKey).to.equal(f.key)
    const client = await createControlPlaneClient(credentials, {...options(), env})
    expectNoSecret(client.credential, [f.key])
    expectNoSecret(client.location, [f.key])
    expectNoSecret(client.credential.location, [f.key])
    const error = await createControlPlaneClient({...credentials}, {...options(), env}).catch((error_: Error) => error_)
    expect(error).to.be.instanceOf(Error)
    expect((error as Error).message).to.match(/carry no API key/)
  })
})
