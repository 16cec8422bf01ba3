import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {DEFAULT_API_URL, SCHEMA_VERSION} from '../../src/stores/schema.js'
import {StateStore} from '../../src/stores/state-store.js'
import {tempConfigDir} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'
import {fails} from '../support/fixture.js'

describe('StateStore', () => {
  let dir: string
  let cleanup: () => void
  let store: StateStore

  beforeEach(() => {
    ;({cleanup, dir} = tempConfigDir())
    store = new StateStore(path.join(dir, 'llamactl'))
  })
  afterEach(() => cleanup())

  it('starts with the default environment current and no file written', async () => {
    const doc = await store.read()
    expect(doc.currentEnvironment).to.equal(DEFAULT_API_URL)
    expect(doc.environments).to.deep.equal([{apiUrl: DEFAULT_API_URL, currentProfile: null, minLlamactlVersion: null, requiresAuth: true}])
    expect(doc.schemaVersion).to.equal(SCHEMA_VERSION)
    await fs.access(store.file).then(
      () => expect.fail('read() must not create the file'),
      () => {},
    )
  })

  it('writes the file 0600 in a 0700 directory, with a schema version', async () => {
    await store.update((doc) => {
      doc.environments.push({apiUrl: 'http://127.0.0.1:1', currentProfile: null, minLlamactlVersion: null, requiresAuth: false})
    })
    expect((await fs.stat(store.file)).mode & 0o777).to.equal(0o600)
    expect((await fs.stat(store.dir)).mode & 0o777).to.equal(0o700)
    const raw = JSON.parse(await fs.readFile(store.file, 'utf8'))
    expect(raw.schemaVersion).to.equal(1)
    expect(raw.environments).to.have.length(2)
    expect(await fs.readdir(store.dir)).to.deep.equal(['config.json'])
  })

  it('refuses a file that is not JSON, naming it, and leaves it untouched', async () => {
    await fs.mkdir(store.dir, {recursive: true})
    await fs.writeFile(store.file, '{"schemaVersion": 1, "environ')
    const error = await store.update(() => {}).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(CliError)
    expect((error as CliError).line)
      .to.include(store.file)
      .and.include('move it aside')
    expect(await fs.readFile(store.file, 'utf8')).to.equal('{"schemaVersion": 1, "environ')
  })

  it('refuses a file written by a newer schema', async () => {
    await fs.mkdir(store.dir, {recursive: true})
    await fs.writeFile(store.file, JSON.stringify({schemaVersion: SCHEMA_VERSION + 1}))
    const error = (await store.read().catch((e: unknown) => e)) as CliError
    expect(error.code).to.equal('config_too_new')
    expect(error.line).to.include('Upgrade llamactl')
  })

  it('migrates a schema-0 document (no version) and keeps its profiles', async () => {
    await fs.mkdir(store.dir, {recursive: true})
    const profile = {apiUrl: DEFAULT_API_URL, authType: 'api-key', id: 'x', name: 'old', projectId: 'p1'}
    await fs.writeFile(store.file, JSON.stringify({profiles: [profile]}))
    const doc = await store.read()
    expect(doc.schemaVersion).to.equal(1)
    expect(doc.profiles).to.deep.equal([profile])
    expect(doc.currentEnvironment).to.equal(DEFAULT_API_URL)
  })

  it('refuses a JSON document that is not a config', async () => {
    await fs.mkdir(store.dir, {recursive: true})
    await fs.writeFile(store.file, '[1, 2]')
    expect(((await store.read().catch((e: unknown) => e)) as CliError).code).to.equal('config_corrupt')
  })

  it('serialises concurrent updates in one process without losing any', async () => {
    await Promise.all(
      Array.from({length: 10}, (_, i) =>
        store.update((doc) => {
          doc.profiles.push({apiUrl: DEFAULT_API_URL, authType: 'none', id: String(i), name: `p${i}`, projectId: null})
        }),
      ),
    )
    expect((await store.read()).profiles.map((p) => p.name).sort()).to.deep.equal(Array.from({length: 10}, (_, i) => `p${i}`).sort())
  })

  describe('a config that is valid JSON with wrong types', () => {
    const env = {apiUrl: DEFAULT_API_URL, currentProfile: null, minLlamactlVersion: null, requiresAuth: true}
    const profile = {apiUrl: DEFAULT_API_URL, authType: 'api-key', id: 'id-1', keyHint: 'llx-ab****wxyz', name: 'ci', projectId: 'p1'}
    const doc = (change: Record<string, unknown>) => ({
      currentEnvironment: DEFAULT_API_URL,
      environments: [env],
      profiles: [profile],
      schemaVersion: 1,
      ...change,
    })
    const cases: Array<[string, unknown]> = [
      ['environments: [null]', doc({environments: [null]})],
      ['schemaVersion: -1', doc({schemaVersion: -1})],
      ['schemaVersion: "7"', doc({schemaVersion: '7'})],
      ['schemaVersion: 1.5', doc({schemaVersion: 1.5})],
      ['a numeric profile name', doc({profiles: [{...profile, name: 7}]})],
      ['a profile that is null', doc({profiles: [null]})],
      ['a profile without an id', doc({profiles: [{...profile, id: undefined}]})],
      ['an unknown authType', doc({profiles: [{...profile, authType: 'root'}]})],
      ['a numeric projectId', doc({profiles: [{...profile, projectId: 4}]})],
      ['an email that is an object', doc({profiles: [{...profile, authType: 'login', email: {}}]})],
      ['requiresAuth: "yes"', doc({environments: [{...env, requiresAuth: 'yes'}]})],
      ['a numeric apiUrl', doc({environments: [{...env, apiUrl: 5}]})],
      ['currentProfile: 3', doc({environments: [{...env, currentProfile: 3}]})],
      ['capabilities: "organizations"', doc({environments: [{...env, capabilities: 'organizations'}]})],
      ['capabilities: [1]', doc({environments: [{...env, capabilities: [1]}]})],
      ['two environments with one apiUrl', doc({environments: [env, env]})],
      ['two profiles with one id', doc({profiles: [profile, {...profile, name: 'other'}]})],
      ['two profiles with one name in one environment', doc({profiles: [profile, {...profile, id: 'id-2'}]})],
      ['a schema-0 document with a null profile', {profiles: [null]}],
    ]
    for (const [what, content] of cases) {
      it(`${what}: config_corrupt naming the file and the field, and the file is not rewritten`, async () => {
        await fs.mkdir(store.dir, {recursive: true})
        const text = JSON.stringify(content, null, 1)
        await fs.writeFile(store.file, text)
        for (const attempt of [() => store.read(), () => new StateStore(store.dir).update(() => {})]) {
          const error = (await attempt().catch((e: unknown) => e)) as CliError
          expect(error, what).to.be.instanceOf(CliError)
          expect(error.code).to.equal('config_corrupt')
          expect(error.line)
            .to.include(store.file)
            .and.match(/\b(environments|profiles|schemaVersion)\b/)
        }

        expect(await fs.readFile(store.file, 'utf8')).to.equal(text)
      })
    }

    it('reads environments with and without capabilities (configs from before they were kept stay valid)', async () => {
      await fs.mkdir(store.dir, {recursive: true})
      const other = {...env, apiUrl: 'http://127.0.0.1:8000', capabilities: ['organizations']}
      await fs.writeFile(store.file, JSON.stringify(doc({environments: [env, other]})))
      const read = await store.read()
      expect(read.environments.map((e) => e.capabilities)).to.deep.equal([undefined, ['organizations']])
    })

    it('still reads a valid config with fields it does not know, and a hand-made schema-0 one', async () => {
      await fs.mkdir(store.dir, {recursive: true})
      await fs.writeFile(store.file, JSON.stringify(doc({extra: true, profiles: [{...profile, email: null, future: 1}]})))
      expect((await store.read()).profiles[0].name).to.equal('ci')
      await fs.writeFile(store.file, JSON.stringify({environments: [{apiUrl: 'http://127.0.0.1:1'}]}))
      const migrated = await new StateStore(store.dir).read()
      expect(migrated.environments.find((e) => e.apiUrl === 'http://127.0.0.1:1')).to.deep.equal({
        apiUrl: 'http://127.0.0.1:1',
        currentProfile: null,
        minLlamactlVersion: null,
        requiresAuth: true,
      })
    })

    it('the CLI answers one line naming the file (exit 1) and leaves the file byte-identical', async () => {
      await fs.mkdir(store.dir, {recursive: true})
      const text = JSON.stringify(doc({environments: [null]}))
      await fs.writeFile(store.file, text)
      for (const args of [
        ['auth', 'list'],
        ['auth', 'env', 'list'],
        ['auth', 'logout', 'ci'],
        ['auth', 'switch', 'ci'],
      ]) {
        const result = await runInProcess(args, {env: {LLAMACTL_CONFIG_DIR: store.dir, LLAMACTL_SECRET_STORE: 'file'}})
        fails(result, 1, new RegExp(`${store.file.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid llamactl config.*environments\\[0\\]`))
      }

      expect(await fs.readFile(store.file, 'utf8')).to.equal(text)
    })
  })
})
