import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {CliError} from '../../src/errors.js'
import {DEFAULT_API_URL, SCHEMA_VERSION} from '../../src/stores/schema.js'
import {StateStore} from '../../src/stores/state-store.js'
import {tempConfigDir} from '../support/cli.js'

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
    expect((error as CliError).line).to.include(store.file).and.include('move it aside')
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
})
