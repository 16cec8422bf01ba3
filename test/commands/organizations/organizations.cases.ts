// The bodies of the tests organizations.test.ts (in-process) and organizations.e2e.test.ts (the built CLI) share:
// written once here, run in each lane with that lane's fixture.
import {expect} from 'chai'
import {parse as parseYaml} from 'yaml'
import {TWO_ORGANIZATIONS} from '../../support/control-plane-server.js'
import {Fixture, json, ok, setUp} from '../../support/fixture.js'

/** lists the server's organizations in its order, active the default one, in text, json and yaml */
export async function listsTheServersOrganizations(start: (options?: Parameters<typeof setUp>[0]) => Promise<Fixture>): Promise<void> {
  const f = await start({organizations: TWO_ORGANIZATIONS})
  ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
  const list = json(ok(await f.run(['organizations', 'get', '-o', 'json'])))
  expect(list).to.deep.equal([
    {org_id: 'globex', org_name: 'Globex', is_default: false, active: false},
    {org_id: 'acme', org_name: 'Acme', is_default: true, active: true},
  ])
  expect(Object.keys(list[0])).to.deep.equal(['org_id', 'org_name', 'is_default', 'active'])
  expect(parseYaml(ok(await f.run(['organizations', 'get', '-o', 'yaml'])).stdout)).to.deep.equal(list)
  expect(ok(await f.run(['organizations', 'get'])).stdout).to.equal(
    ['NAME    ORG_ID  DEFAULT  ACTIVE', 'Globex  globex  no       no', 'Acme    acme    yes      yes', ''].join('\n'),
  )
  // The key went along as bearer token.
  expect(f.server.calls('/organizations').every((r) => r.authorization === `Bearer ${f.key}`)).to.equal(true)
}
