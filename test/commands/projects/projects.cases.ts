// The bodies of the tests projects.test.ts (in-process) and projects.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {ORG_PROJECTS} from '../../support/control-plane-server.js'
import {fails, Fixture, json, ok} from '../../support/fixture.js'
import {parse as parseYaml} from 'yaml'

/** a PROJECT_ID outside the default organization is found by get and use (every organization is asked) */
export async function projectOutsideTheDefaultOrganization(f: Fixture): Promise<void> {
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

/** get lists the default organization's projects in text, json and yaml; another's only with --org */
export async function getListsTheDefaultOrganizationsProjects(f: Fixture): Promise<void> {
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
}

/** The setting of these tests, on a fixture made with `organizations: TWO_ORGANIZATIONS`: the key sees the projects of both, and a profile of p1 is current. */
export async function withOrganizationProjects(f: Fixture): Promise<void> {
  f.server.setProjects(f.key, ORG_PROJECTS)
  ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
}
