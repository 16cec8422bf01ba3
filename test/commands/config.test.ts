import {expect} from 'chai'

import {Fixture, json, ok, setUp} from '../support/fixture.js'
import {showsEnvironmentProfileAndProject} from './config.cases.js'

describe('config', () => {
  let f: Fixture
  beforeEach(async () => {
    f = await setUp({inProcess: true})
  })
  afterEach(() => f.cleanup())

  it('shows environment, profile and project (with its name from the server) in text, json and yaml', () => showsEnvironmentProfileAndProject(f))

  it('project_name is null when the server cannot be asked, and (none) without a profile', async () => {
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p2', '--name', 'ci']))
    f.server.fail({fault: {kind: 'status', status: 500}, path: 'list-projects'})
    expect(json(ok(await f.run(['config', '-o', 'json'])))).to.deep.equal({environment: f.server.url, profile: 'ci', project_id: 'p2', project_name: null})
    expect(ok(await f.run(['config'])).stdout).to.equal(`environment:  ${f.server.url}\nprofile:      ci\nproject:      p2\n`)
    ok(await f.run(['auth', 'logout', 'ci']))
    expect(ok(await f.run(['config'])).stdout).to.equal(`environment:  ${f.server.url}\nprofile:      (none)\nproject:      (none)\n`)
  })
})
