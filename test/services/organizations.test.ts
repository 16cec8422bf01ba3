import {expect} from 'chai'

import {ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {OrganizationScope} from '../../src/services/organizations.js'
import type {EnvironmentRecord} from '../../src/stores/schema.js'
import {ORG_PROJECTS, TestControlPlane, TWO_ORGANIZATIONS} from '../support/control-plane-server.js'
import {inProcess, InProcess} from '../support/in-process.js'
import {ScriptedPrompter} from '../support/scripted-prompter.js'

describe('OrganizationScope (test control plane)', () => {
  let server: TestControlPlane
  let client: ControlPlaneClient
  let key: string
  afterEach(() => server.stop())

  const env = (capabilities?: string[]): EnvironmentRecord => ({
    apiUrl: server.url,
    capabilities,
    currentProfile: null,
    minLlamactlVersion: null,
    requiresAuth: true,
  })

  describe('with two organizations', () => {
    beforeEach(async () => {
      server = await new TestControlPlane({organizations: TWO_ORGANIZATIONS}).start()
      key = server.addKey(undefined, {projects: ORG_PROJECTS})
      client = new ControlPlaneClient(server.url, {timeoutMs: 2000})
    })

    it('picks from the default organization (is_default, not the first), finds in every one', async () => {
      const scope = new OrganizationScope(client, env(['organizations']))
      expect((await scope.default(key))?.orgId).to.equal('acme')
      expect((await scope.projectsToPick(key)).map((p) => p.projectId)).to.deep.equal(['p1', 'p2'])
      expect((await scope.projectsToFind(key)).map((p) => p.projectId)).to.deep.equal(['p1', 'p2', 'p3'])
      expect((await scope.projectsToPick(key, 'globex')).map((p) => p.projectId)).to.deep.equal(['p3'])
      expect(server.calls('list-projects').map((r) => r.query)).to.deep.equal(['?org_id=acme', '', '?org_id=globex'])
    })

    it('without is_default anywhere the first organization is the default', async () => {
      server.options.organizations = TWO_ORGANIZATIONS.map((o) => ({...o, is_default: false}))
      expect((await new OrganizationScope(client, env(['organizations'])).default(key))?.orgId).to.equal('globex')
    })

    it('an environment stored before capabilities were kept: probed once, and what it learned is remembered', async () => {
      const remembered: string[][] = []
      const scope = new OrganizationScope(client, env(), async (c) => {
        remembered.push(c)
      })
      expect(await scope.supported()).to.equal(true)
      expect(remembered).to.deep.equal([['deployments', 'organizations']])
      expect(server.calls('/version')).to.have.length(1)
    })

    it('stored capabilities are believed: without organizations nothing about them is asked', async () => {
      const scope = new OrganizationScope(client, env(['deployments']))
      expect(await scope.list(key)).to.equal(null)
      expect((await scope.projectsToPick(key)).map((p) => p.projectId)).to.deep.equal(['p1', 'p2', 'p3'])
      expect(server.calls('/organizations')).to.have.length(0)
      expect(server.calls('/version')).to.have.length(0)
    })
  })

  it('a server that cannot be probed has no organizations (fail open, as Python)', async () => {
    server = await new TestControlPlane().start()
    key = server.addKey()
    client = new ControlPlaneClient(server.url, {timeoutMs: 2000})
    server.fail({fault: {kind: 'status', status: 500}, path: '/version'})
    expect(await new OrganizationScope(client, env()).supported()).to.equal(false)
  })
})

describe('the project choice of auth token, on a server with organizations (in-process services)', () => {
  let f: InProcess
  afterEach(() => f.cleanup())

  it("offers only the default organization's projects; a --project-id outside it is still accepted", async () => {
    f = await inProcess({organizations: TWO_ORGANIZATIONS})
    f.server.setProjects(f.key, ORG_PROJECTS)
    const env = await f.services.environmentStore.current()
    const prompter = new ScriptedPrompter(['p2'])
    const profileService = await f.services.profileService()
    const {profile} = await profileService.addApiKey(env, {apiKey: f.key, interactive: true, prompter: prompter.factory})
    expect(profile.projectId).to.equal('p2')
    expect(prompter.asked[0].choices).to.deep.equal(['Demo — p1 (3 deployments)', 'p2 (0 deployments)'])
    const other = f.server.addKey(undefined, {projects: ORG_PROJECTS})
    const outside = await profileService.addApiKey(env, {apiKey: other, interactive: false, projectId: 'p3', prompter: new ScriptedPrompter().factory})
    expect(outside.profile.projectId).to.equal('p3')
  })
})

describe('the project choice of projects use / auth project, on a server with organizations (in-process services)', () => {
  let f: InProcess
  afterEach(() => f.cleanup())

  it("offers the default organization's projects, or --org's", async () => {
    f = await inProcess({organizations: TWO_ORGANIZATIONS})
    f.server.setProjects(f.key, ORG_PROJECTS)
    const env = await f.services.environmentStore.current()
    await (await f.services.profileService()).create({apiUrl: env.apiUrl, authType: 'api-key', name: 'work', projectId: 'p1'}, {apiKey: f.key})
    const projects = await f.services.projectService()
    const prompter = new ScriptedPrompter(['p2 (', 'Outside'])
    expect((await projects.setProject(env, undefined, {interactive: true, prompter: prompter.factory})).projectId).to.equal('p2')
    expect((await projects.setProject(env, undefined, {interactive: true, org: 'globex', prompter: prompter.factory})).projectId).to.equal('p3')
    expect(prompter.asked.map((a) => a.choices)).to.deep.equal([['Demo — p1 (3 deployments)', 'p2 (0 deployments)'], ['Outside — p3 (1 deployment)']])
  })
})
