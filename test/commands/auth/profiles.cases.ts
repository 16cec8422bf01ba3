// The bodies of the tests profiles.test.ts (in-process) and profiles.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {Fixture, ok} from '../../support/fixture.js'

/** prints a table with the current profile marked, data on stdout only */
export async function listPrintsATable(f: Fixture): Promise<void> {
  const result = ok(await f.run(['auth', 'list']))
  expect(result.stdout.split('\n')).to.deep.equal(['   NAME   PROJECT  TYPE', '   alpha  p1       api-key', '*  beta   p2       api-key', ''])
  expect(result.stderr).to.equal('')
}

/** The setting of these tests: profiles alpha (p1) and beta (p2, with a second key of the server, current). Returns beta's key. */
export async function withTwoProfiles(f: Fixture): Promise<string> {
  const second = f.server.addKey()
  await f.addApiKeyProfile({name: 'alpha', projectId: 'p1'})
  await f.addApiKeyProfile({apiKey: second, name: 'beta', projectId: 'p2'})
  return second
}
