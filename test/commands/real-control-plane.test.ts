import {expect} from 'chai'

import {fails, Fixture, json, ok, setUp} from '../support/fixture.js'
import {runInProcess} from '../support/in-process-cli.js'
import type {WireProject} from '../support/control-plane-server.js'
import {openSourceVersionDocumentAccepted} from './real-control-plane.cases.js'

/** The open-source control plane 0.12.4 (no auth) lists only projects that have a deployment, named by their id. */
const SELF_HOSTED_PROJECTS: WireProject[] = [{deployment_count: 1, project_id: 'default', project_name: 'default'}]
const SELF_HOSTED = {publicProjects: SELF_HOSTED_PROJECTS, requiresAuth: false} as const

describe('what the open-source control plane answers', function () {
  this.timeout(60_000)
  let f: Fixture
  afterEach(async () => {
    await f?.cleanup()
  })

  it('its version document (0.12.4, min_llamactl_version 0.3.0a13, capabilities) is accepted without a version warning', () =>
    openSourceVersionDocumentAccepted(runInProcess))

  it('a 500 with only a correlation_id in its body: the error line carries that id', async () => {
    f = await setUp({inProcess: true, ...SELF_HOSTED, requestId: 'd743be28bd1f48e182b7b5f8bfa9140a', requestIdIn: 'body'})
    f.server.fail({fault: {kind: 'status', status: 500}, path: 'list-projects'})
    const result = await f.run(['auth', 'token', '--api-key', 'anything', '--project-id', 'default'])
    fails(result, 1, /list-projects failed with 500, request id d743be28bd1f48e182b7b5f8bfa9140a: the server says "Internal server error"\./)
  })

  describe('no key checking (requires_auth false): auth token and auth project follow one rule', () => {
    it('auth token takes any key and says the server did not check it; a listed project gets no more than that', async () => {
      f = await setUp({inProcess: true, ...SELF_HOSTED})
      const result = ok(await f.run(['auth', 'token', '--api-key', 'llx-not-checked-by-anyone', '--project-id', 'default', '--json']))
      expect(json(result)).to.include({authType: 'api-key', current: true, projectId: 'default'})
      expect(result.stderr).to.equal(`Warning: ${f.server.url} does not require an API key, so it takes any key: this one was not checked\n`)
      expect(result.stderr).to.not.match(/accepted|valid/)
    })

    it('an id the server does not list is accepted by auth token (with a warning naming what it lists) as by auth project', async () => {
      f = await setUp({inProcess: true, ...SELF_HOSTED})
      const token = ok(await f.run(['auth', 'token', '--api-key', 'llx-not-checked-by-anyone', '--project-id', 'nope', '--json']))
      expect(json(token)).to.include({projectId: 'nope'})
      expect(token.stderr).to.equal(
        `Warning: ${f.server.url} does not require an API key, so it takes any key: this one was not checked, and project nope is not one it lists (it lists default; a server without auth lists only projects with a deployment)\n`,
      )
      const project = ok(await f.run(['auth', 'project', 'nope2', '--json']))
      expect(json(project)).to.include({projectId: 'nope2'})
    })

    it('a server that requires auth still refuses an unlisted project in auth token (and never says "on the web" without auth)', async () => {
      f = await setUp({inProcess: true})
      fails(
        await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'nope']),
        1,
        /^Error: Project nope is not one this account can use\. Available: p1, p2$/,
      )
      const open = await setUp({inProcess: true, ...SELF_HOSTED})
      try {
        open.server.options.publicProjects = []
        const result = ok(await open.run(['auth', 'token', '--api-key', 'k', '--project-id', 'first']))
        expect(result.stderr).to.include('it lists none').and.not.include('web')
      } finally {
        await open.cleanup()
      }
    })
  })
})
