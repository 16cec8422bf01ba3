// The bodies of the tests config.test.ts (in-process) and config.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {parse as parseYaml} from 'yaml'
import {Fixture, json, ok} from '../support/fixture.js'

/** shows environment, profile and project (with its name from the server) in text, json and yaml */
export async function showsEnvironmentProfileAndProject(f: Fixture): Promise<void> {
  ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1', '--name', 'ci']))
  const data = json(ok(await f.run(['config', '-o', 'json'])))
  expect(data).to.deep.equal({environment: f.server.url, profile: 'ci', project_id: 'p1', project_name: 'Demo'})
  expect(Object.keys(data)).to.deep.equal(['environment', 'profile', 'project_id', 'project_name'])
  expect(parseYaml(ok(await f.run(['config', '-o', 'yaml'])).stdout)).to.deep.equal(data)
  expect(json(ok(await f.run(['config', '--json'])))).to.deep.equal(data)
  expect(ok(await f.run(['config'])).stdout).to.equal(`environment:  ${f.server.url}\nprofile:      ci\nproject:      Demo (p1)\n`)
}
