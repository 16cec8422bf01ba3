import {fixturePerTest, setUp} from '../support/fixture.js'
import {envSwitchSaysNoProfileIsCurrent, makeNoneCurrent} from './no-current-profile.cases.js'

// The built CLI's run of the case; the unit lane (no-current-profile.test.ts) has the rest.
describe('an environment with profiles but none current, through the built CLI', function () {
  this.timeout(60_000)
  const fixtures = fixturePerTest()

  it('auth env switch there says no profile is current and names auth use / auth switch', async () => {
    const f = fixtures.add(await setUp())
    await makeNoneCurrent(f)
    await envSwitchSaysNoProfileIsCurrent(f)
  })
})
