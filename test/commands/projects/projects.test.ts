import {expect} from 'chai'

import {ORG_PROJECTS, TWO_ORGANIZATIONS} from '../../support/control-plane-server.js'
import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {projectOutsideTheDefaultOrganization, getListsTheDefaultOrganizationsProjects, withOrganizationProjects} from './projects.cases.js'

/** `projects get|use` on a server with two organizations, p3 outside the default one (acme). */
describe('projects, with organizations', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true, organizations: TWO_ORGANIZATIONS})
    await withOrganizationProjects(f)
  })
  afterEach(() => f.cleanup())

  it("get lists the default organization's projects in text, json and yaml; another's only with --org", () => getListsTheDefaultOrganizationsProjects(f))

  it('a PROJECT_ID outside the default organization is found by get and use (every organization is asked)', () => projectOutsideTheDefaultOrganization(f))

  it('unknown ids are exit 1, a missing PROJECT_ID in a non-interactive run exit 2 (one line each)', async () => {
    fails(await f.run(['projects', 'get', 'p9']), 1, /^Error: Project p9 not found/)
    fails(await f.run(['projects', 'use', 'p9']), 1, /^Error: Project p9 not found/)
    fails(await f.run(['projects', 'use']), 2, /^Error: Missing PROJECT_ID argument \(no prompt in non-interactive mode\).*p1, p2$/)
  })

  it('auth token --project-id takes a project outside the default organization', async () => {
    const other = f.server.addKey(undefined, {projects: ORG_PROJECTS})
    expect(json(ok(await f.run(['auth', 'token', '--api-key', other, '--project-id', 'p3', '--json'])))).to.include({projectId: 'p3'})
  })
})

describe('projects, on a server without organizations', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true})
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p2']))
  })
  afterEach(() => f.cleanup())

  it('lists every project with no org_id and never asks for organizations', async () => {
    expect(json(ok(await f.run(['projects', 'get', '-o', 'json'])))).to.deep.equal([
      {project_id: 'p1', project_name: 'Demo', deployment_count: 3, active: false},
      {project_id: 'p2', project_name: 'p2', deployment_count: 0, active: true},
    ])
    expect(ok(await f.run(['projects', 'use', 'p1'])).stderr).to.equal('switched project p1\n')
    expect(f.server.calls('/organizations')).to.have.length(0)
    expect(f.server.calls('list-projects').every((r) => r.query === '')).to.equal(true)
  })

  it('the project already in use: nothing asked, nothing said (as Python)', async () => {
    const before = f.server.requests.length
    const same = ok(await f.run(['projects', 'use', 'p2']))
    expect(same.stderr).to.equal('')
    expect(f.server.requests.length).to.equal(before)
  })

  it('a project list that is empty is a status line in text, [] in json', async () => {
    f.server.setProjects(f.key, [])
    const text = ok(await f.run(['projects', 'get']))
    expect([text.stdout, text.stderr]).to.deep.equal(['', 'no projects found\n'])
    expect(json(ok(await f.run(['projects', 'get', '-o', 'json'])))).to.deep.equal([])
  })
})

describe('projects, on a server that lists the capability but answers 404 on /organizations', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true, organizations: TWO_ORGANIZATIONS})
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
  })
  afterEach(() => f.cleanup())

  it('behaves as a server without organizations', async () => {
    f.server.fail({fault: {kind: 'status', status: 404}, path: '/organizations'})
    expect(json(ok(await f.run(['projects', 'get', '-o', 'json']))).map((p: {project_id: string}) => p.project_id)).to.deep.equal(['p1', 'p2'])
    expect(f.server.calls('list-projects').at(-1)?.query).to.equal('')
    expect(json(ok(await f.run(['organizations', 'get', '-o', 'json'])))).to.deep.equal([])
  })
})
