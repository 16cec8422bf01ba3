import {expect} from 'chai'

import {runInProcess} from '../../support/in-process-cli.js'
import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {addProbesStoresAndMakesCurrent, deleteRemovesItAndItsProfiles, getListsEveryEnvironmentSorted, useSwitchesItsLastProfile} from './environments.cases.js'

/** `environments get|add|use|delete`: the Python llamactl 0.10 names of `auth env`. */
describe('environments', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true})
  })
  afterEach(() => f.cleanup())

  it('get lists every environment sorted by URL, the built-in one included, in text, json, yaml and wide', () => getListsEveryEnvironmentSorted(f))

  it('get API_URL shows one (a trailing / ignored); an unknown one is exit 1', async () => {
    expect(json(ok(await f.run(['environments', 'get', `${f.server.url}/`, '-o', 'json'])))).to.deep.equal({
      api_url: f.server.url,
      requires_auth: true,
      active: true,
    })
    fails(await f.run(['environments', 'get', 'http://127.0.0.1:9']), 1, /^Error: Environment 'http:\/\/127\.0\.0\.1:9' not found/)
  })

  it('use switches (its last profile comes back), and says when profiles exist but none is current', () => useSwitchesItsLastProfile(f))

  it('use and delete: a missing API_URL in a non-interactive run is exit 2, an unknown one exit 1', async () => {
    fails(await f.run(['environments', 'use']), 2, /^Error: Missing API_URL argument \(no prompt in non-interactive mode\)/)
    fails(await f.run(['environments', 'delete']), 2, /^Error: Missing API_URL argument \(no prompt in non-interactive mode\)/)
    fails(await f.run(['environments', 'add']), 2, /^Error: Missing API_URL argument \(no prompt in non-interactive mode\)/)
    fails(await f.run(['environments', 'use', 'http://127.0.0.1:9']), 1, /^Error: Environment 'http:\/\/127\.0\.0\.1:9' not found\. Add it with/)
    fails(await f.run(['environments', 'delete', 'http://127.0.0.1:9']), 1, /^Error: Environment 'http:\/\/127\.0\.0\.1:9' not found/)
  })

  it('delete removes it and its profiles; the default environment becomes current', () => deleteRemovesItAndItsProfiles(f))
})

describe('environments add', () => {
  it('probes, stores and makes it current with no current profile (auth env add stores without switching)', () => addProbesStoresAndMakesCurrent(runInProcess))
})
