// The bodies of the tests aliases.test.ts (in-process) and aliases.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {fails, Fixture, ok} from '../../support/fixture.js'

/** auth env get and auth env use are unknown commands (exit 2, one line); no command has an alias left */
export async function envGetAndEnvUseAreUnknown(f: Fixture): Promise<void> {
  fails(await f.run(['auth', 'env', 'get']), 2, /"llamactl auth env get" is not a llamactl command/)
  fails(await f.run(['auth', 'env', 'use', f.server.url]), 2, /"llamactl auth env use" is not a llamactl command/)
  for (const id of ['list', 'switch', 'get', 'use', 'env list', 'env switch'])
    expect(ok(await f.run(['auth', ...id.split(' '), '--help'])).stdout, id).not.to.include('ALIASES')
}
