import {expect} from 'chai'

import {fails, Fixture, json, ok, setUp} from '../support/fixture.js'
import {tempConfigDir} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'
import {HostileServer, sendJson} from '../support/hostile-server.js'
import type {WireProject} from '../support/control-plane-server.js'

/** The open-source control plane 0.12.4 (no auth) lists only projects that have a deployment, named by their id. */
const SELF_HOSTED_PROJECTS: WireProject[] = [{deployment_count: 1, project_id: 'default', project_name: 'default'}]
const SELF_HOSTED = {publicProjects: SELF_HOSTED_PROJECTS, requiresAuth: false} as const

describe('what the open-source control plane answers', function () {
  this.timeout(60_000)
  let f: Fixture
  afterEach(async () => {
    await f?.cleanup()
  })

  it('its version document (0.12.4, min_llamactl_version 0.3.0a13, capabilities) is accepted without a version warning', async () => {
    const {cleanup, dir} = tempConfigDir()
    const server = await new HostileServer((req, res) => {
      if (req.url === '/api/v1beta1/deployments-public/version')
        return sendJson(res, 200, {version: '0.12.4', requires_auth: false, min_llamactl_version: '0.3.0a13', capabilities: ['organizations']})
      sendJson(res, 404, {detail: 'Not Found'})
    }).start()
    try {
      const added = ok(await runInProcess(['auth', 'env', 'add', server.url, '--json'], {env: {LLAMACTL_CONFIG_DIR: dir}}))
      expect(json(added)).to.deep.equal({apiUrl: server.url, current: false, minLlamactlVersion: '0.3.0a13', requiresAuth: false})
      expect(added.stderr).to.not.match(/Warning/)
    } finally {
      await server.stop()
      cleanup()
    }
  })

  it('a 500 with only a correlation_id in its body: the error line carries that id', async () => {
    f = await setUp({inProcess: true, ...SELF_HOSTED, requestId: 'd743be28bd1f48e182b7b5f8bfa9140a', requestIdIn: 'body'})
    f.server.fail({fault: {kind: 'status', status: 500}, path: 'list-projects'})
    const result = await f.run(['auth', 'token', '--api-key', 'anything', '--project-id', 'default'])
    fails(result, 1, /list-projects failed with 500, request id d743be28bd1f48e182b7b5f8bfa9140a\./)
  })

  describe('no key checking (requires_auth false): auth token and auth project follow one rule', () => {})
})
