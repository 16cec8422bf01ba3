// The bodies of the tests projects.test.ts (in-process) and projects.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {fails, Fixture, json, ok} from '../../support/fixture.js'

/** a PROJECT_ID outside the default organization is found by get and use (every organization is asked) */
export async function aPROJECTIDOutsideThe(f: Fixture): Promise<void> {
  expect(json(ok(await f.run(['projects', 'get', 'p3', '-o', 'json'])))).to.deep.equal({
    project_id: 'p3',
    project_name: 'Outside',
    deployment_count: 1,
    active: false,
  })
  expect(f.server.calls('list-projects').at(-1)?.query).to.equal('')
  expect(ok(await f.run(['projects', 'use', 'p3'])).stderr).to.equal('switched project p3\n')
  expect(json(ok(await f.run(['config', '-o', 'json'])))).to.deep.equal({
    environment: f.server.url,
    profile: json(ok(await f.run(['auth', 'get', '-o', 'json'])))[0].name,
    project_id: 'p3',
    project_name: 'Outside',
  })
  // --org scopes the lookup: p3 is not acme's.
  fails(await f.run(['projects', 'get', 'p3', '--org', 'acme']), 1, /^Error: Project p3 not found/)
  fails(await f.run(['projects', 'use', 'p1', '--org', 'globex']), 1, /^Error: Project p1 not found/)
}
