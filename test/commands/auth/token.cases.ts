// The bodies of the tests token.test.ts (in-process) and token.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {Fixture, json, ok} from '../../support/fixture.js'

/** creates an auto-named profile from a valid key, makes it current, and keeps the key out of config */
export async function createsAnAutoNamedProfile(f: Fixture): Promise<void> {
  const result = ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p2', '--json']))
  const name = `${f.key.slice(0, 6)}****${f.key.slice(-4)}`
  expect(json(result)).to.deep.equal({apiUrl: f.server.url, authType: 'api-key', current: true, name, projectId: 'p2'})
  expect(result.stderr).to.equal('')
  expect(f.configText()).not.to.include(f.key)
  expect(result.stdout).not.to.include(f.key)
  expect(json(ok(await f.run(['auth', 'list', '--json']))).profiles).to.deep.equal([json(result)])
}
