import {expect} from 'chai'

import {Fixture, ok, setUp} from '../support/fixture.js'

describe('an environment with profiles but none current', function () {
  this.timeout(60_000)
  let f: Fixture
  afterEach(async () => {
    await f?.cleanup()
  })

  /** Two profiles in the test environment, the current one logged out, then another environment made current. */
  async function noneCurrent(): Promise<void> {
    f = await setUp()
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kept']))
    ok(await f.run(['auth', 'token', '--api-key', f.server.addKey(), '--project-id', 'p1', '--name', 'gone']))
    ok(await f.run(['auth', 'logout', 'gone']))
    ok(await f.run(['auth', 'env', 'switch', 'https://api.cloud.llamaindex.ai'], {env: {LLAMACTL_HTTP_TIMEOUT_MS: '1'}}))
  }

  it('auth env switch there says no profile is current and names auth use / auth switch', async () => {
    await noneCurrent()
    const switched = ok(await f.run(['auth', 'env', 'switch', f.server.url]))
    expect(switched.stderr).to.include(
      `Warning: No profile is current in ${f.server.url}; it has kept. Choose one with \`llamactl auth use NAME\` (or \`llamactl auth switch NAME\`)\n`,
    )
  })
})
