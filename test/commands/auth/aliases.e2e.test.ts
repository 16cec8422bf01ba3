import {expect} from 'chai'

import {fails, Fixture, ok, setUp} from '../../support/fixture.js'

/**
 * The Python llamactl 0.10 names (llamactl-0.10.md): `auth get`/`auth use` are commands of their
 * own (with 0.10's shapes), `auth env get`/`auth env use` never existed, and `--project` is
 * `--project-id`.
 */
describe('the Python llamactl 0.10 names', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
  })
  afterEach(() => f.cleanup())

  it('auth env get and auth env use are unknown commands (exit 2, one line); no command has an alias left', async () => {
    fails(await f.run(['auth', 'env', 'get']), 2, /"llamactl auth env get" is not a llamactl command/)
    fails(await f.run(['auth', 'env', 'use', f.server.url]), 2, /"llamactl auth env use" is not a llamactl command/)
    for (const id of ['list', 'switch', 'get', 'use', 'env list', 'env switch'])
      expect(ok(await f.run(['auth', ...id.split(' '), '--help'])).stdout, id).not.to.include('ALIASES')
  })
})
