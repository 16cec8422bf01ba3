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
const UNKNOWN = 'http://127.0.0.1:1'
const reported = {minLlamactlVersion: null, requiresAuth: true}

describe('EnvironmentStore (real config file in a temp dir)', () => {
  let temp: ReturnType<typeof tempConfigDir>
  let environments: EnvironmentStore
  let profiles: ProfileStore
  /** A store on the same dir that reads the file anew, as another process would. */
  let fresh: () => EnvironmentStore

  const profile = (name: string, apiUrl: string): ProfileRecord => ({apiUrl, authType: 'none', id: `id-${name}`, name, projectId: 'p1'})

  beforeEach(() => {
    temp = tempConfigDir()
    const state = new StateStore(temp.dir)
    environments = new EnvironmentStore(state)
    profiles = new ProfileStore(state)
    fresh = () => new EnvironmentStore(new StateStore(temp.dir))
  })
  afterEach(() => temp.cleanup())

  it('a fresh config knows only the default environment, current, requiring auth', async () => {
    const expected = {apiUrl: DEFAULT_API_URL, currentProfile: null, minLlamactlVersion: null, requiresAuth: true}
    expect(await environments.current()).to.deep.equal(expected)
    expect(await environments.list()).to.deep.equal({current: DEFAULT_API_URL, environments: [expected]})
  })

  it('upsert inserts an environment without switching to it, then updates what its server reported', async () => {
    expect(await environments.upsert(HERE, reported)).to.deep.equal({apiUrl: HERE, currentProfile: null, ...reported})
    expect((await fresh().list()).current).to.equal(DEFAULT_API_URL)
    await profiles.save(profile('alpha', HERE))
    const updated = await environments.upsert(HERE, {minLlamactlVersion: '9.0.0', requiresAuth: false})
    expect(updated, 'the current profile survives an update').to.deep.equal({
      apiUrl: HERE,
      currentProfile: 'alpha',
      minLlamactlVersion: '9.0.0',
      requiresAuth: false,
    })
    expect((await fresh().list()).environments.map((e) => e.apiUrl)).to.deep.equal([DEFAULT_API_URL, HERE])
  })

  it('get returns a known environment; an unknown one is unknown_environment naming auth env add', async () => {
    await environments.upsert(HERE, reported)
    expect((await environments.get(HERE)).apiUrl).to.equal(HERE)
    const error = await rejection<CliError>(environments.get(UNKNOWN))
    expect(error.code).to.equal('unknown_environment')
    expect(error.line).to.equal(`No environment ${UNKNOWN}. Add it with \`llamactl auth env add ${UNKNOWN}\``)
  })

  it('switch makes an environment current, with or without an update of what its server reported', async () => {
    await environments.upsert(HERE, reported)
    expect(await environments.switch(HERE)).to.deep.equal({apiUrl: HERE, currentProfile: null, ...reported})
    expect((await fresh().current()).apiUrl).to.equal(HERE)
    await environments.switch(DEFAULT_API_URL, {minLlamactlVersion: '1.2.3', requiresAuth: true})
    expect(await fresh().current()).to.include({apiUrl: DEFAULT_API_URL, minLlamactlVersion: '1.2.3'})
    expect(await fresh().get(HERE), 'the other one is untouched').to.deep.equal({apiUrl: HERE, currentProfile: null, ...reported})
  })

  it('switch to an unknown environment is unknown_environment and leaves the current one', async () => {
    expect((await rejection<CliError>(environments.switch(UNKNOWN))).code).to.equal('unknown_environment')
    expect((await fresh().current()).apiUrl).to.equal(DEFAULT_API_URL)
  })

  it('the default environment cannot be deleted (default_environment); an unknown one is unknown_environment', async () => {
    const error = await rejection<CliError>(environments.assertDeletable(DEFAULT_API_URL))
    expect(error.code).to.equal('default_environment')
    expect(error.line).to.equal(
      `${DEFAULT_API_URL} is the default environment and can't be deleted. Switch to another one with \`llamactl auth env switch\` instead`,
    )
    expect((await rejection<CliError>(environments.delete(DEFAULT_API_URL))).code).to.equal('default_environment')
    expect((await rejection<CliError>(environments.assertDeletable(UNKNOWN))).code).to.equal('unknown_environment')
    expect((await rejection<CliError>(environments.delete(UNKNOWN))).code).to.equal('unknown_environment')
    await environments.upsert(HERE, reported)
    await environments.assertDeletable(HERE)
    expect((await fresh().list()).environments).to.have.length(2)
  })

  it('delete of the current environment removes it and its profiles and returns the default as current', async () => {
    await environments.upsert(HERE, reported)
    await environments.upsert(THERE, reported)
    await profiles.save(profile('alpha', HERE))
    await profiles.save(profile('beta', HERE))
    await profiles.save(profile('gamma', THERE))
    await environments.switch(HERE)
    const result = await environments.delete(HERE)
    expect(result.currentEnvironment).to.equal(DEFAULT_API_URL)
    expect(result.profiles.map((p) => p.name)).to.deep.equal(['alpha', 'beta'])
    const after = await fresh().list()
    expect(after).to.deep.include({current: DEFAULT_API_URL})
    expect(after.environments.map((e) => e.apiUrl)).to.deep.equal([DEFAULT_API_URL, THERE])
    expect((await new ProfileStore(new StateStore(temp.dir)).list(THERE)).map((p) => p.name)).to.deep.equal(['gamma'])
    expect(await new ProfileStore(new StateStore(temp.dir)).list(HERE)).to.deep.equal([])
  })

  it('delete of another environment keeps the current one and says so', async () => {
    await environments.upsert(HERE, reported)
    await environments.upsert(THERE, reported)
    await environments.switch(THERE)
    expect(await environments.delete(HERE)).to.deep.equal({currentEnvironment: THERE, profiles: []})
    expect((await fresh().current()).apiUrl).to.equal(THERE)
  })
})
