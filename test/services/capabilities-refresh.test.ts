import {expect} from 'chai'

import {ControlPlaneClient} from '../../src/net/control-plane-client.js'
import {OrganizationScope} from '../../src/services/organizations.js'
import type {EnvironmentRecord} from '../../src/stores/schema.js'
import {ORG_PROJECTS, TestControlPlane, TWO_ORGANIZATIONS} from '../support/control-plane-server.js'
import {HostileServer, sendJson} from '../support/hostile-server.js'
import {inProcess, InProcess} from '../support/in-process.js'

// The Python llamactl 0.10.3 asks the server again whenever the stored capabilities are empty
// (utils/capabilities.py: `if not env.capabilities: env = service.auto_update_env(env)`), so a
// server that gains organizations is seen at once; this plugin warned "does not support
// organizations" until `environments use`.
describe('stored capabilities are refreshed, and a missing /organizations is said (real servers)', () => {
  let f: InProcess
  afterEach(() => f?.cleanup())

  it('a server stored with no capabilities that now has organizations: organizations get lists them and the store learns it', async () => {
    f = await inProcess({organizations: TWO_ORGANIZATIONS})
    f.server.setProjects(f.key, ORG_PROJECTS)
    await f.services.environmentStore.setCapabilities(f.env.apiUrl, [])
    const profileService = await f.services.profileService()
    const {profile} = await profileService.create(
      {apiUrl: f.env.apiUrl, authType: 'api-key', keyHint: 'llx-ci****1111', name: 'ci', projectId: 'p1'},
      {apiKey: f.key},
    )
    await f.services.profileStore.setCurrent(f.env.apiUrl, profile.name)
    const env = await f.services.environmentStore.current()
    expect(env.capabilities).to.deep.equal([])
    const orgs = await (await f.services.projectService()).organizations(env)
    expect(orgs?.map((o) => o.orgId)).to.deep.equal(['globex', 'acme'])
    expect(f.config().environments.find((e) => e.apiUrl === f.env.apiUrl)?.capabilities).to.deep.equal(['deployments', 'organizations'])
  })

  it('stored capabilities that are not empty are believed (no extra request), as in Python', async () => {
    const server = await new TestControlPlane({organizations: TWO_ORGANIZATIONS}).start()
    try {
      const env: EnvironmentRecord = {apiUrl: server.url, capabilities: ['deployments'], currentProfile: null, minLlamactlVersion: null, requiresAuth: true}
      expect(await new OrganizationScope(new ControlPlaneClient(server.url, {timeoutMs: 2000}), env).supported()).to.equal(false)
      expect(server.calls('/version')).to.have.length(0)
    } finally {
      await server.stop()
    }
  })

  it('a server that advertises organizations but answers 404 on /organizations: a warning says so (not a silent empty answer)', async () => {
    const hostile = await new HostileServer((req, res) =>
      req.url?.includes('/version')
        ? sendJson(res, 200, {capabilities: ['organizations'], min_llamactl_version: null, requires_auth: true, version: '0.4.2'})
        : sendJson(res, 404, {detail: 'Not Found'}),
    ).start()
    try {
      const env: EnvironmentRecord = {apiUrl: hostile.url, capabilities: ['organizations'], currentProfile: null, minLlamactlVersion: null, requiresAuth: true}
      const warnings: string[] = []
      const scope = new OrganizationScope(new ControlPlaneClient(hostile.url, {timeoutMs: 2000}), env, undefined, (m) => warnings.push(m))
      expect(await scope.list('llx-key')).to.equal(null)
      expect(warnings).to.deep.equal([
        `${hostile.url} advertises organizations but answered 404 on /organizations, so they are left out. Check the environment URL, or re-probe it with \`llamactl environments use ${hostile.url}\``,
      ])
    } finally {
      await hostile.stop()
    }
  })
})
