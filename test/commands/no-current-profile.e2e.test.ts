import {Fixture, setUp} from '../support/fixture.js'
import {envSwitchSaysNoProfileIsCurrent, makeNoneCurrent} from './no-current-profile.cases.js'

describe('an environment with profiles but none current', function () {
  this.timeout(60_000)
  let f: Fixture
  afterEach(async () => {
    await f?.cleanup()
  })

  /** The fixture, its environment left with profiles but none current (makeNoneCurrent). */
  async function noneCurrent(): Promise<void> {
    f = await setUp()
    await makeNoneCurrent(f)
  }

  it('auth env switch there says no profile is current and names auth use / auth switch', async () => {
    await noneCurrent()
    await envSwitchSaysNoProfileIsCurrent(f)
  })
})
