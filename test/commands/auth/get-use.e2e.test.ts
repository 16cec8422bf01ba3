import {Fixture, ok, setUp} from '../../support/fixture.js'
import {authGetListsTheProfiles} from './get-use.cases.js'

/** `auth get` and `auth use`: the Python llamactl 0.10 commands, with its -o shapes and messages. */
describe('auth get / auth use', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp()
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p2', '--name', 'one']))
    ok(await f.run(['auth', 'token', '--api-key', f.server.addKey(), '--project-id', 'p1', '--name', 'two']))
  })
  afterEach(() => f.cleanup())

  it('auth get lists the profiles sorted by name in text, json and yaml (yaml parses back to the json), never a secret', () => authGetListsTheProfiles(f))
})
