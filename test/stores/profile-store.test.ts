import {expect} from 'chai'

import {CliError} from '../../src/errors.js'
import {EnvironmentStore} from '../../src/stores/environment-store.js'
import {ProfileStore} from '../../src/stores/profile-store.js'
import {DEFAULT_API_URL, ProfileRecord} from '../../src/stores/schema.js'
import {StateStore} from '../../src/stores/state-store.js'
import {tempConfigDir} from '../support/cli.js'
import {rejection} from '../support/in-process.js'

const HERE = 'http://127.0.0.1:8000'
const THERE = 'http://127.0.0.1:9000'

describe('ProfileStore (real config file in a temp dir)', () => {
  let temp: ReturnType<typeof tempConfigDir>
  let profiles: ProfileStore
  /** A second store on the same dir: what another process would read from the file. */
  let fresh: () => ProfileStore

  const profile = (name: string, apiUrl = HERE, extra: Partial<ProfileRecord> = {}): ProfileRecord => ({
    apiUrl,
    authType: 'api-key',
    id: `id-${name}-${apiUrl.slice(-4)}`,
    name,
    projectId: 'p1',
    ...extra,
  })

  beforeEach(async () => {
    temp = tempConfigDir()
    const state = new StateStore(temp.dir)
    const environments = new EnvironmentStore(state)
    await environments.upsert(HERE, {minLlamactlVersion: null, requiresAuth: true})
    await environments.upsert(THERE, {minLlamactlVersion: null, requiresAuth: true})
    profiles = new ProfileStore(state)
    fresh = () => new ProfileStore(new StateStore(temp.dir))
  })
  afterEach(() => temp.cleanup())

  const currentName = async (apiUrl = HERE) => (await fresh().current(apiUrl))?.name ?? null

  it('save adds a profile and makes it current in its environment only, reporting it as created', async () => {
    expect(await profiles.save(profile('alpha'))).to.deep.equal({created: true})
    expect(await profiles.save(profile('beta', THERE))).to.deep.equal({created: true})
    expect(await currentName(HERE)).to.equal('alpha')
    expect(await currentName(THERE)).to.equal('beta')
    expect(await fresh().current(DEFAULT_API_URL)).to.equal(null)
  })

  it('save in place of `replacing` swaps the record (created: false), under its name or another', async () => {
    const old = profile('alpha')
    await profiles.save(old)
    await profiles.save(profile('other'))
    const same = {...old, id: 'id-same'}
    expect(await profiles.save(same, old), 'its own name is no clash').to.deep.equal({created: false})
    expect((await fresh().list(HERE)).map((p) => p.id)).to.deep.equal(['id-same', profile('other').id])
    const renamed = {...old, id: 'id-new', name: 'renamed', projectId: 'p2'}
    expect(await profiles.save(renamed, same)).to.deep.equal({created: false})
    expect(await fresh().list(HERE)).to.deep.equal([profile('other'), renamed])
    expect(await currentName()).to.equal('renamed')
  })

  it('save refuses a name another profile of the environment holds (name_taken), changing nothing', async () => {
    await profiles.save(profile('alpha'))
    await profiles.save(profile('beta'))
    const error = await rejection<CliError>(profiles.save({...profile('x'), id: 'id-y', name: 'alpha'}))
    expect(error).to.be.instanceOf(CliError)
    expect(error.code).to.equal('name_taken')
    expect(error.line).to.equal(
      `A profile named "alpha" already exists in ${HERE}. Choose another name with --name, or remove it first with \`llamactl auth logout alpha\``,
    )
    // Replacing one profile must not take another's name either.
    const beta = (await profiles.get(HERE, 'beta'))!
    expect((await rejection<CliError>(profiles.save({...beta, id: 'id-z', name: 'alpha'}, beta))).code).to.equal('name_taken')
    expect((await fresh().list(HERE)).map((p) => p.name)).to.deep.equal(['alpha', 'beta'])
    expect(await currentName()).to.equal('beta')
    // The same name in another environment is no clash.
    expect(await profiles.save(profile('alpha', THERE))).to.deep.equal({created: true})
  })

  it('save into an environment that is not in the config is unknown_environment', async () => {
    const error = await rejection<CliError>(profiles.save(profile('alpha', 'http://127.0.0.1:1')))
    expect(error.code).to.equal('unknown_environment')
    expect(await fresh().list('http://127.0.0.1:1')).to.deep.equal([])
  })

  it('list gives one environment’s profiles sorted by name; current gives null when none is current', async () => {
    expect(await profiles.current(HERE)).to.equal(null)
    for (const name of ['gamma', 'alpha', 'beta']) await profiles.save(profile(name))
    await profiles.save(profile('zeta', THERE))
    expect((await profiles.list(HERE)).map((p) => p.name)).to.deep.equal(['alpha', 'beta', 'gamma'])
    expect((await profiles.list(THERE)).map((p) => p.name)).to.deep.equal(['zeta'])
    expect(await profiles.list('http://127.0.0.1:1')).to.deep.equal([])
    expect((await profiles.current(HERE))?.name).to.equal('beta')
  })

  it('get returns the record; an unknown name is unknown_profile listing the names there are', async () => {
    await profiles.save(profile('alpha'))
    await profiles.save(profile('beta'))
    await profiles.save(profile('gamma', THERE))
    expect(await profiles.get(HERE, 'beta')).to.deep.equal(profile('beta'))
    const error = await rejection<CliError>(profiles.get(HERE, 'gamma'))
    expect(error.code).to.equal('unknown_profile')
    expect(error.exit).to.equal(1)
    expect(error.line).to.equal(`No profile named "gamma" in ${HERE}. Profiles here: alpha, beta`)
  })

  it('an unknown name in an environment without profiles says how to create one', async () => {
    const error = await rejection<CliError>(profiles.get(THERE, 'alpha'))
    expect(error.line).to.equal(`No profile named "alpha" in ${THERE}. There are none yet; create one with \`llamactl auth token\``)
  })

  it('remove deletes the record; removing the current one leaves none current, another one keeps it', async () => {
    await profiles.save(profile('alpha'))
    await profiles.save(profile('beta'))
    expect(await profiles.remove(HERE, 'alpha')).to.deep.equal(profile('alpha'))
    expect(await currentName()).to.equal('beta')
    expect(await profiles.remove(HERE, 'beta')).to.deep.equal(profile('beta'))
    expect(await currentName()).to.equal(null)
    expect(await fresh().list(HERE)).to.deep.equal([])
  })

  it('remove of an unknown name is unknown_profile and removes nothing', async () => {
    await profiles.save(profile('alpha'))
    expect((await rejection<CliError>(profiles.remove(HERE, 'beta'))).code).to.equal('unknown_profile')
    expect((await rejection<CliError>(profiles.remove(THERE, 'alpha'))).code).to.equal('unknown_profile')
    expect((await fresh().list(HERE)).map((p) => p.name)).to.deep.equal(['alpha'])
  })

  it('setCurrent switches to a named profile, or to none with null; an unknown name changes nothing', async () => {
    await profiles.save(profile('alpha'))
    await profiles.save(profile('beta'))
    expect(await profiles.setCurrent(HERE, 'alpha')).to.deep.equal(profile('alpha'))
    expect(await currentName()).to.equal('alpha')
    const unknown = await rejection<CliError>(profiles.setCurrent(HERE, 'gamma'))
    expect(unknown.code).to.equal('unknown_profile')
    expect(unknown.line).to.equal(`No profile named "gamma" in ${HERE}. Profiles here: alpha, beta`)
    expect(await currentName()).to.equal('alpha')
    expect(await profiles.setCurrent(HERE, null)).to.equal(null)
    expect(await currentName()).to.equal(null)
    expect(
      (await fresh().list(HERE)).map((p) => p.name),
      'null only unsets the current one',
    ).to.deep.equal(['alpha', 'beta'])
  })

  it('setProject changes one profile’s project and returns it; an unknown name is unknown_profile', async () => {
    await profiles.save(profile('alpha'))
    await profiles.save(profile('beta'))
    expect(await profiles.setProject(HERE, 'alpha', 'p9')).to.deep.equal({...profile('alpha'), projectId: 'p9'})
    expect((await fresh().get(HERE, 'alpha')).projectId).to.equal('p9')
    expect((await fresh().get(HERE, 'beta')).projectId).to.equal('p1')
    expect((await rejection<CliError>(profiles.setProject(HERE, 'gamma', 'p9'))).code).to.equal('unknown_profile')
  })
})
