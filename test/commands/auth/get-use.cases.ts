// The bodies of the tests get-use.test.ts (in-process) and get-use.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {parse as parseYaml} from 'yaml'
import {Fixture, json, ok} from '../../support/fixture.js'

/** auth get lists the profiles sorted by name in text, json and yaml (yaml parses back to the json), never a secret */
export async function authGetListsTheProfiles(f: Fixture): Promise<void> {
  const text = ok(await f.run(['auth', 'get']))
  expect(text.stdout).to.equal(
    [
      'NAME  API_URL' + ' '.repeat(f.server.url.length - 5) + 'PROJECT_ID  ACTIVE  AUTH',
      `one   ${f.server.url}  p2          no      token`,
      `two   ${f.server.url}  p1          yes     token`,
      '',
    ].join('\n'),
  )
  const list = json(ok(await f.run(['auth', 'get', '-o', 'json'])))
  expect(list).to.deep.equal([
    {name: 'one', api_url: f.server.url, project_id: 'p2', active: false, auth_type: 'token'},
    {name: 'two', api_url: f.server.url, project_id: 'p1', active: true, auth_type: 'token'},
  ])
  expect(Object.keys(list[0])).to.deep.equal(['name', 'api_url', 'project_id', 'active', 'auth_type'])
  expect(parseYaml(ok(await f.run(['auth', 'get', '-o', 'yaml'])).stdout)).to.deep.equal(list)
  // Any case, as click's Choice(case_sensitive=False); --json is -o json.
  expect(json(ok(await f.run(['auth', 'get', '-o', 'JSON'])))).to.deep.equal(list)
  expect(json(ok(await f.run(['auth', 'get', '--json'])))).to.deep.equal(list)
  expect(ok(await f.run(['auth', 'get', '-o', 'wide'])).stdout).to.match(/^NAME +API_URL +PROJECT_ID +ACTIVE +AUTH\n/)
  expect(f.configText()).not.to.include(f.key)
}
