import {expect} from 'chai'
import {parse as parseYaml} from 'yaml'

import {fails, Fixture, json, ok, setUp} from '../../support/fixture.js'
import {listsTheServersOrganizations} from './organizations.cases.js'

// eslint-disable-next-line no-control-regex -- what must not reach the terminal
const CONTROLS = /[\u001b\u0007\u009b]/

describe('organizations get', () => {
  let f: Fixture
  afterEach(() => f.cleanup())

  it("lists the server's organizations in its order, active the default one, in text, json and yaml", () =>
    listsTheServersOrganizations(async (options = {}) => (f = await setUp({...options, inProcess: true}))))

  it('names from the server reach the terminal with their control characters made visible, and json/yaml keep them exact', async () => {
    const hostile = 'Evil\u001b]0;owned\u0007\u009b2J'
    f = await setUp({inProcess: true, organizations: [{is_default: true, org_id: 'x', org_name: hostile}]})
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
    const text = ok(await f.run(['organizations', 'get'])).stdout
    expect(text).to.include('Evil\\u001b]0;owned\\u0007\\u009b2J')
    expect(text).not.to.match(CONTROLS)
    expect(json(ok(await f.run(['organizations', 'get', '-o', 'json'])))[0].org_name).to.equal(hostile)
    const yaml = ok(await f.run(['organizations', 'get', '-o', 'yaml'])).stdout
    expect(yaml).not.to.match(CONTROLS)
    expect(parseYaml(yaml)[0].org_name).to.equal(hostile)
  })

  it('a server without organizations: a warning in text, [] in json and yaml, and no request to /organizations', async () => {
    f = await setUp({inProcess: true})
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
    const text = ok(await f.run(['organizations', 'get']))
    expect([text.stdout, text.stderr]).to.deep.equal(['', 'Warning: this server does not support organizations\n'])
    expect(json(ok(await f.run(['organizations', 'get', '-o', 'json'])))).to.deep.equal([])
    expect(parseYaml(ok(await f.run(['organizations', 'get', '-o', 'yaml'])).stdout)).to.deep.equal([])
    expect(f.server.calls('/organizations')).to.have.length(0)
  })

  it('an answer of the wrong shape is one error line (exit 1), not a crash', async () => {
    f = await setUp({inProcess: true, organizations: [{is_default: 'yes', org_id: 7, org_name: null} as never]})
    ok(await f.run(['auth', 'token', '--api-key', f.key, '--project-id', 'p1']))
    fails(await f.run(['organizations', 'get']), 1, /organizations did not answer with what a llamactl control plane sends/)
  })
})
