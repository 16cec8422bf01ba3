// The bodies of the tests project.test.ts (in-process) and project.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {Fixture, json, ok} from '../../support/fixture.js'

/** changes the current profile project to one the server lists */
export async function changesTheProjectToAListedOne(f: Fixture): Promise<void> {
  const result = ok(await f.run(['auth', 'project', 'p2', '--json']))
  expect(json(result)).to.include({current: true, projectId: 'p2'})
  expect(f.server.calls('list-projects').at(-1)!.authorization).to.equal(`Bearer ${f.key}`)
}
