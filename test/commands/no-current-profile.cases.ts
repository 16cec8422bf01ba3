// The bodies of the tests no-current-profile.test.ts (in-process) and no-current-profile.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {Fixture, ok} from '../support/fixture.js'

/** auth env switch there says no profile is current and names auth use / auth switch */
export async function envSwitchSaysNoProfileIsCurrent(f: Fixture): Promise<void> {
  const switched = ok(await f.run(['auth', 'env', 'switch', f.server.url]))
  expect(switched.stderr).to.include(
    `Warning: No profile is current in ${f.server.url}; it has kept. Choose one with \`llamactl auth use NAME\` (or \`llamactl auth switch NAME\`)\n`,
  )
}

/** Two profiles in the test environment, the current one logged out, then another environment made current. */
export async function makeNoneCurrent(f: Fixture): Promise<void> {
  ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'kept']))
  ok(await f.run(['auth', 'token', '--api-key', f.server.addKey(), '--project-id', 'p1', '--name', 'gone']))
  ok(await f.run(['auth', 'logout', 'gone']))
  ok(await f.run(['auth', 'env', 'switch', 'https://api.cloud.llamaindex.ai'], {env: {LLAMACTL_HTTP_TIMEOUT_MS: '1'}}))
}
