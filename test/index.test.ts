import {expect} from 'chai'

import {currentCredentials} from '../src/index.js'
import {Fixture, ok, setUp} from './support/fixture.js'

describe('currentCredentials (the library API other llamactl commands use)', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  const read = () => currentCredentials(f.dir, {env: {LLAMACTL_SECRET_STORE: 'file'}, warn: () => expect.fail('no warning expected')})

  it('is null while no profile is current', async () => {
    expect(await read()).to.equal(null)
  })

  it('gives the current profile, its project and its API key', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p2', '--name', 'ci']))
    expect(await read()).to.deep.equal({apiKey: f.key, apiUrl: f.server.url, profile: 'ci', projectId: 'p2'})
    ok(await f.run(['auth', 'logout', 'ci']))
    expect(await read()).to.equal(null)
  })
})
