import {expect} from 'chai'
import {parse as parseYaml} from 'yaml'

import {ORG_PROJECTS, TWO_ORGANIZATIONS} from '../../support/control-plane-server.js'
import {Fixture, json, ok, setUp} from '../../support/fixture.js'
import {aPROJECTIDOutsideThe} from './projects.cases.js'

/** `projects get|use` on a server with two organizations, p3 outside the default one (acme). */
describe('projects, with organizations', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({organizations: TWO_ORGANIZATIONS})
    f.server.setProjects(f.key, ORG_PROJECTS)
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
  })
  afterEach(() => f.cleanup())

  it("get lists the default organization's projects in text, json and yaml; another's only with --org", async () => {
    const list = json(ok(await f.run(['projects', 'get', '-o', 'json'])))
    expect(list).to.deep.equal([
      {project_id: 'p1', project_name: 'Demo', deployment_count: 3, active: true},
      {project_id: 'p2', project_name: 'p2', deployment_count: 0, active: false},
    ])
    expect(Object.keys(list[0])).to.deep.equal(['project_id', 'project_name', 'deployment_count', 'active'])
    expect(f.server.calls('list-projects').at(-1)?.query).to.equal('?org_id=acme')
    expect(parseYaml(ok(await f.run(['projects', 'get', '-o', 'yaml'])).stdout)).to.deep.equal(list)
    expect(ok(await f.run(['projects', 'get'])).stdout).to.equal(
      ['NAME  PROJECT_ID  DEPLOYMENTS  ACTIVE', 'Demo  p1          3            yes', 'p2    p2          0            no', ''].join('\n'),
    )
    expect(ok(await f.run(['projects', 'get', '-o', 'wide'])).stdout).to.match(/^NAME +PROJECT_ID +DEPLOYMENTS +ACTIVE +ORG_ID\nDemo +p1 +3 +yes +acme\n/)
    expect(json(ok(await f.run(['projects', 'get', '--org', 'globex', '-o', 'json'])))).to.deep.equal([
      {project_id: 'p3', project_name: 'Outside', deployment_count: 1, active: false},
    ])
  })

  it('a PROJECT_ID outside the default organization is found by get and use (every organization is asked)', () => aPROJECTIDOutsideThe(f))
})
