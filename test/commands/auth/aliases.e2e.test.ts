import {Fixture, setUp} from '../../support/fixture.js'
import {envGetAndEnvUseAreUnknown} from './aliases.cases.js'

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

  it('auth env get and auth env use are unknown commands (exit 2, one line); no command has an alias left', () => envGetAndEnvUseAreUnknown(f))
})
