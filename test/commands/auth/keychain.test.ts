import {fails, Fixture, setUp} from '../../support/fixture.js'
import {keychainAvailable} from '../../support/keychain.js'
import {authTokenKeyInKeychainOnly} from './keychain.cases.js'

describe('secrets at the command line', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true, secretStore: 'auto'})
  })
  afterEach(() => f.cleanup())

  describe('with the real OS keychain', () => {
    before(async function () {
      if (!(await keychainAvailable())) this.skip()
    })

    it('auth token puts the key in the keychain only; logout takes it out', () => authTokenKeyInKeychainOnly(f))
  })

  describe('without a D-Bus session (no keychain)', () => {
    it('an unknown LLAMACTL_SECRET_STORE is a usage error', async () => {
      fails(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1'], {env: {LLAMACTL_SECRET_STORE: 'vault'}}), 2, /LLAMACTL_SECRET_STORE=vault/)
    })
  })
})
