import {runCli} from '../../support/cli.js'
import {Fixture, setUp} from '../../support/fixture.js'
import {addProbesStoresAndMakesCurrent, deleteRemovesItAndItsProfiles, getListsEveryEnvironmentSorted, useSwitchesItsLastProfile} from './environments.cases.js'

/** `environments get|add|use|delete`: the Python llamactl 0.10 names of `auth env`. */
describe('environments', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  it('get lists every environment sorted by URL, the built-in one included, in text, json, yaml and wide', () => getListsEveryEnvironmentSorted(f))

  it('use switches (its last profile comes back), and says when profiles exist but none is current', () => useSwitchesItsLastProfile(f))

  it('delete removes it and its profiles; the default environment becomes current', () => deleteRemovesItAndItsProfiles(f))
})

describe('environments add', () => {
  it('probes, stores and makes it current with no current profile (auth env add stores without switching)', () => addProbesStoresAndMakesCurrent(runCli))
})
